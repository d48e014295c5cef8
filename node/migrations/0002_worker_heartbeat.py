from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WorkerHeartbeat',
            fields=[
                ('id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=200)),
                ('role', fields.CharField(max_length=40)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('beat_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'worker_heartbeat', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Worker loops alive, for readiness and metrics.'},
            bases=['Model'],
        ),
    ]
