from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0032_partnership_scope_offer')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CallAnswer',
            name='occurrence',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='CallAnswer',
            index=Index(fields=['call_id', 'occurrence', 'status']),
        ),
    ]
