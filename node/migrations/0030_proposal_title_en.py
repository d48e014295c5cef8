from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0029_moderation_hidden_call_message')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CommitteeProposal',
            name='title_en',
            field=fields.CharField(default='', max_length=200),
        ),
    ]
