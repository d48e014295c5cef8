from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0015_member_block')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PeriodicRun',
            fields=[
                ('name', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=100)),
                ('next_run_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_run_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'periodic_run', 'app': 'models', 'pk_attr': 'name', 'table_description': 'Next run of each periodic job, claimed by one worker per period.'},
            bases=['Model'],
        ),
    ]
