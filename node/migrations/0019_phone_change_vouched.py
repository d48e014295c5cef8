from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0018_phone_change')]

    initial = False

    operations = [
        ops.AddField(
            model_name='PhoneChange',
            name='vouched_association',
            field=fields.ForeignKeyField('models.Association', source_field='vouched_association_id', null=True, db_constraint=True, to_field='id', related_name='phone_changes', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='PhoneChange',
            name='vouched_by',
            field=fields.ForeignKeyField('models.Member', source_field='vouched_by_id', null=True, db_constraint=True, to_field='id', related_name='phone_changes_vouched', on_delete=OnDelete.SET_NULL),
        ),
    ]
