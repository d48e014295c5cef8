from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0028_call_recurrence')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CallMessage',
            name='hidden_at',
            field=fields.DatetimeField(null=True),
        ),
    ]
