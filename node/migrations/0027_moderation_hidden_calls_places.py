from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0026_remote_association_follow')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Call',
            name='hidden_at',
            field=fields.DatetimeField(null=True),
        ),
        ops.AddField(
            model_name='Place',
            name='hidden_at',
            field=fields.DatetimeField(null=True),
        ),
    ]
