from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0022_place_remote_owner')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CallAnswer',
            name='confirmed_at',
            field=fields.DatetimeField(null=True),
        ),
        ops.AddField(
            model_name='CallAnswer',
            name='refusal',
            field=fields.CharField(max_length=20, null=True),
        ),
    ]
