from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0017_places')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PhoneChange',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='phone_changes', on_delete=OnDelete.CASCADE)),
                ('new_phone', fields.CharField(max_length=16)),
                ('link_hash', fields.CharField(unique=True, max_length=64)),
                ('code_hash', fields.CharField(max_length=64)),
                ('cancel_hash', fields.CharField(null=True, unique=True, max_length=64)),
                ('attempts', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('effective_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('cancelled_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'phone_change', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A member who lost their phone asks, with their verified email, to move the account to a'},
            bases=['Model'],
        ),
    ]
