from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0013_password_reset')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CharterAcceptance',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='charter_acceptances', on_delete=OnDelete.CASCADE)),
                ('version', fields.IntField()),
                ('accepted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'charter_acceptance', 'app': 'models', 'unique_together': (('member', 'version'),), 'pk_attr': 'id', 'table_description': 'A member accepted ``version`` of the charter at ``accepted_at`` (kept for the export).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CharterVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.IntField(unique=True)),
                ('text_fr', fields.TextField(unique=False)),
                ('text_en', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'charter_version', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One version of the charter (the highest ``version`` is in force).'},
            bases=['Model'],
        ),
    ]
