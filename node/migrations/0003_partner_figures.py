from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0002_worker_heartbeat')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PartnerFigures',
            fields=[
                ('domain', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=255)),
                ('name', fields.CharField(default='', max_length=200)),
                ('figures', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('fetched_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('tried_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('error', fields.CharField(null=True, max_length=300)),
            ],
            options={'table': 'partner_figures', 'app': 'models', 'pk_attr': 'domain', 'table_description': 'Usage figures of partner nodes, from their NodeInfo.'},
            bases=['Model'],
        ),
    ]
