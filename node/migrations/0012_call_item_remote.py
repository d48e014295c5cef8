from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0011_moderation')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CallItem',
            name='remote_iri',
            field=fields.CharField(null=True, max_length=2100),
        ),
    ]
