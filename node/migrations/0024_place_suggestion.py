from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from node.models.place import SuggestionStatus
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0023_call_answer_decision')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PlaceSuggestion',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('place', fields.ForeignKeyField('models.Place', source_field='place_id', db_constraint=True, to_field='id', related_name='suggestions', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='place_suggestions', on_delete=OnDelete.CASCADE)),
                ('changes', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('note', fields.CharField(default='', max_length=500)),
                ('status', fields.CharEnumField(default=SuggestionStatus.PENDING, description='PENDING: pending\nACCEPTED: accepted\nREFUSED: refused', enum_type=SuggestionStatus, max_length=10)),
                ('reason', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('models.Member', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'place_suggestion', 'app': 'models', 'indexes': [Index(fields=['place_id', 'status']), Index(fields=['member_id', 'created_at'])], 'pk_attr': 'id', 'table_description': "A member's suggested change to a place, until it is decided."},
            bases=['Model'],
        ),
    ]
