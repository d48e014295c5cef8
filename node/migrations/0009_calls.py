from tortoise import migrations
from tortoise.migrations import operations as ops
from node.models.calls import AnswerStatus, CallKind, CallStatus
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0008_web_session')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AssociationFollow',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='follows', on_delete=OnDelete.CASCADE)),
                ('association', fields.ForeignKeyField('models.Association', source_field='association_id', db_constraint=True, to_field='id', related_name='member_followers', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'association_follow', 'app': 'models', 'unique_together': (('member', 'association'),), 'pk_attr': 'id', 'table_description': 'A member follows an association.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Call',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('association', fields.ForeignKeyField('models.Association', source_field='association_id', null=True, db_constraint=True, to_field='id', related_name='calls', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.Member', source_field='author_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('kind', fields.CharEnumField(description='VOLUNTEERS: volunteers\nDONATIONS: donations\nURGENT: urgent', enum_type=CallKind, max_length=12)),
                ('status', fields.CharEnumField(default=CallStatus.OPEN, description='OPEN: open\nFULL: full\nCLOSED: closed\nCANCELLED: cancelled', enum_type=CallStatus, max_length=10)),
                ('title', fields.CharField(max_length=120)),
                ('body', fields.TextField(default='', unique=False)),
                ('place_name', fields.CharField(default='', max_length=200)),
                ('opening_hours', fields.CharField(default='', max_length=200)),
                ('skills', fields.CharField(default='', max_length=200)),
                ('starts_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('resolution', fields.SmallIntField()),
                ('thanked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('origin_domain', fields.CharField(null=True, max_length=253)),
                ('remote_iri', fields.CharField(null=True, unique=True, max_length=2048)),
                ('remote_association_iri', fields.CharField(null=True, max_length=2048)),
                ('remote_association_name', fields.CharField(null=True, max_length=120)),
            ],
            options={'table': 'call', 'app': 'models', 'indexes': [Index(fields=['association_id', 'status', 'created_at'])], 'pk_attr': 'id', 'table_description': 'A call for volunteers, donations, or an urgent message to an area.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CallAnswer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('call', fields.ForeignKeyField('models.Call', source_field='call_id', db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('remote_actor_iri', fields.CharField(null=True, max_length=2048)),
                ('remote_name', fields.CharField(null=True, max_length=100)),
                ('activity_id', fields.CharField(null=True, unique=True, max_length=2048)),
                ('status', fields.CharEnumField(default=AnswerStatus.ACTIVE, description='ACTIVE: active\nWITHDRAWN: withdrawn', enum_type=AnswerStatus, max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('withdrawn_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'call_answer', 'app': 'models', 'indexes': [Index(fields=['call_id', 'status'])], 'pk_attr': 'id', 'table_description': "An answer to a call: I'm coming, or a pledge of items."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CallCell',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('call', fields.ForeignKeyField('models.Call', source_field='call_id', db_constraint=True, to_field='id', related_name='cells', on_delete=OnDelete.CASCADE)),
                ('cell', fields.CharField(db_index=True, max_length=16)),
            ],
            options={'table': 'call_cell', 'app': 'models', 'unique_together': (('call', 'cell'),), 'pk_attr': 'id', 'table_description': "One H3 cell of a call's audience."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CallItem',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('call', fields.ForeignKeyField('models.Call', source_field='call_id', db_constraint=True, to_field='id', related_name='items', on_delete=OnDelete.CASCADE)),
                ('position', fields.SmallIntField(default=0)),
                ('label', fields.CharField(max_length=120)),
                ('wanted', fields.IntField()),
                ('remaining', fields.IntField()),
            ],
            options={'table': 'call_item', 'app': 'models', 'pk_attr': 'id', 'table_description': 'What a call wants and how much is still missing.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CallPledge',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('answer', fields.ForeignKeyField('models.CallAnswer', source_field='answer_id', db_constraint=True, to_field='id', related_name='pledges', on_delete=OnDelete.CASCADE)),
                ('item', fields.ForeignKeyField('models.CallItem', source_field='item_id', db_constraint=True, to_field='id', related_name='pledges', on_delete=OnDelete.CASCADE)),
                ('quantity', fields.IntField()),
            ],
            options={'table': 'call_pledge', 'app': 'models', 'pk_attr': 'id', 'table_description': 'How much of one item an answer brings.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MemberArea',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.OneToOneField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='call_area', on_delete=OnDelete.CASCADE)),
                ('h3_r8', fields.CharField(db_index=True, max_length=16)),
                ('h3_r7', fields.CharField(db_index=True, max_length=16)),
                ('h3_r5', fields.CharField(db_index=True, max_length=16)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'member_area', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The H3 cells where a member wants to hear about calls.'},
            bases=['Model'],
        ),
    ]
