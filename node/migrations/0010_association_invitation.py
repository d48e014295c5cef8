from tortoise import migrations
from tortoise.migrations import operations as ops
from node.models.enums import AssociationRole
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0009_calls')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AssociationInvitation',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('association', fields.ForeignKeyField('models.Association', source_field='association_id', db_constraint=True, to_field='id', related_name='invitations', on_delete=OnDelete.CASCADE)),
                ('phone', fields.CharField(db_index=True, max_length=16)),
                ('role', fields.CharEnumField(default=AssociationRole.VOLUNTEER, description='ADMIN: admin\nCOORDINATOR: coordinator\nVOLUNTEER: volunteer', enum_type=AssociationRole, max_length=12)),
                ('code_hash', fields.CharField(max_length=64)),
                ('attempts', fields.IntField(default=0)),
                ('invited_by', fields.ForeignKeyField('models.Member', source_field='invited_by_id', null=True, db_constraint=True, to_field='id', related_name='invitations_sent', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('accepted', fields.BooleanField(null=True)),
            ],
            options={'table': 'association_invitation', 'app': 'models', 'pk_attr': 'id', 'table_description': "An association's invitation to a phone number. Nobody joins an association without"},
            bases=['Model'],
        ),
    ]
