from tortoise import migrations
from tortoise.migrations import operations as ops
from node.models.calls import RemoteFollowState
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0025_call_message')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RemoteAssociationFollow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('actor_iri', fields.CharField(unique=True, max_length=2048)),
                ('name', fields.CharField(max_length=120)),
                ('follow_id', fields.CharField(unique=True, max_length=2048)),
                ('state', fields.CharEnumField(description='PENDING: pending\nACCEPTED: accepted\nREJECTED: rejected', enum_type=RemoteFollowState, max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'remote_association_follow', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The node follows an association of another node.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RemoteMemberFollow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='remote_follows', on_delete=OnDelete.CASCADE)),
                ('remote', fields.ForeignKeyField('models.RemoteAssociationFollow', source_field='remote_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'remote_member_follow', 'app': 'models', 'unique_together': (('member', 'remote'),), 'pk_attr': 'id', 'table_description': 'A member follows an association of another node.'},
            bases=['Model'],
        ),
    ]
