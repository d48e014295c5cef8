from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0016_periodic_run')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Place',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('source', fields.CharField(default='entraide', max_length=64)),
                ('source_id', fields.CharField(max_length=200)),
                ('association', fields.ForeignKeyField('models.Association', source_field='association_id', null=True, db_constraint=True, to_field='id', related_name='places', on_delete=OnDelete.SET_NULL)),
                ('origin_domain', fields.CharField(default='', db_index=True, max_length=253)),
                ('remote_iri', fields.CharField(null=True, unique=True, max_length=2048)),
                ('name', fields.CharField(max_length=150)),
                ('description', fields.TextField(default='', unique=False)),
                ('categories', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('audiences', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('conditions', fields.CharField(default='', max_length=500)),
                ('languages', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('address', fields.CharField(default='', max_length=250)),
                ('postcode', fields.CharField(default='', max_length=10)),
                ('town', fields.CharField(default='', max_length=100)),
                ('lat', fields.FloatField()),
                ('lon', fields.FloatField()),
                ('h3_r7', fields.CharField(db_index=True, max_length=16)),
                ('h3_r5', fields.CharField(db_index=True, max_length=16)),
                ('opening_hours', fields.CharField(default='', max_length=500)),
                ('closed_from', fields.DateField(null=True)),
                ('closed_to', fields.DateField(null=True)),
                ('closure_reason', fields.CharField(default='', max_length=200)),
                ('full_since', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('phone', fields.CharField(default='', max_length=30)),
                ('email', fields.CharField(default='', max_length=254)),
                ('website', fields.CharField(default='', max_length=500)),
                ('free', fields.BooleanField(null=True)),
                ('checked_on', fields.DateField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'place', 'app': 'models', 'unique_together': (('source', 'source_id'),), 'indexes': [Index(fields=['h3_r7', 'origin_domain'])], 'pk_attr': 'id', 'table_description': 'A solidarity place: food, shelter, showers, care... Public address.'},
            bases=['Model'],
        ),
    ]
