from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0021_moderation_hidden')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Place',
            name='remote_owner_iri',
            field=fields.CharField(null=True, max_length=2048),
        ),
        ops.AddField(
            model_name='Place',
            name='remote_owner_name',
            field=fields.CharField(default='', max_length=150),
        ),
        ops.AddField(
            model_name='Place',
            name='remote_updated_at',
            field=fields.DatetimeField(null=True),
        ),
    ]
