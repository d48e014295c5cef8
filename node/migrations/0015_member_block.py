from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0014_charter')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MemberBlock',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='blocks', on_delete=OnDelete.CASCADE)),
                ('blocked_member', fields.ForeignKeyField('models.Member', source_field='blocked_member_id', null=True, db_constraint=True, to_field='id', related_name='blocked_by', on_delete=OnDelete.CASCADE)),
                ('blocked_actor_iri', fields.CharField(null=True, max_length=2048)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'member_block', 'app': 'models', 'unique_together': (('member', 'blocked_member'), ('member', 'blocked_actor_iri')), 'pk_attr': 'id', 'table_description': '``member`` blocked someone: a member of this node (``blocked_member``) or a person of'},
            bases=['Model'],
        ),
    ]
