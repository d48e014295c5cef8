from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0019_phone_change_vouched')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Call',
            name='remote_updated_at',
            field=fields.DatetimeField(null=True),
        ),
    ]
