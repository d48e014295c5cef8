from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0027_moderation_hidden_calls_places')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Call',
            name='recurrence',
            field=fields.CharField(null=True, max_length=300),
        ),
    ]
