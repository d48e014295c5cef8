from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0004_street_committee')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Partnership',
            name='remote_decision_iri',
            field=fields.CharField(null=True, max_length=2048),
        ),
    ]
