from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0020_call_remote_updated')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Action',
            name='hidden_at',
            field=fields.DatetimeField(null=True),
        ),
        ops.AddField(
            model_name='Message',
            name='hidden_at',
            field=fields.DatetimeField(null=True),
        ),
    ]
