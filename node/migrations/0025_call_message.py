from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0024_place_suggestion')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CallMessage',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('call', fields.ForeignKeyField('models.Call', source_field='call_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('answer', fields.ForeignKeyField('models.CallAnswer', source_field='answer_id', null=True, db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('from_association', fields.BooleanField()),
                ('author', fields.ForeignKeyField('models.Member', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('author_name', fields.CharField(max_length=120)),
                ('body', fields.TextField()),
                ('ap_id', fields.CharField(null=True, unique=True, max_length=2048)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'call_message', 'app': 'models', 'indexes': [Index(fields=['call_id', 'id'])], 'pk_attr': 'id', 'table_description': "A message between a call's association and its respondents."},
            bases=['Model'],
        ),
    ]
