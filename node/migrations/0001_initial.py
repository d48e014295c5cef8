from tortoise import migrations
from tortoise.migrations import operations as ops
from node.models.enums import ActionCategory, ActionKind, ActionStatus, AssociationRole, AssociationStatus, MemberKind, ParticipationStatus, Visibility
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Association',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('name', fields.CharField(unique=True, max_length=120)),
                ('slug', fields.CharField(unique=True, max_length=80)),
                ('description', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=AssociationStatus.PENDING, description='PENDING: pending\nAPPROVED: approved\nREJECTED: rejected', enum_type=AssociationStatus, max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'association', 'app': 'models', 'pk_attr': 'id', 'table_description': 'An organisation on the node. Whoever asked for it is its first admin membership.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Member',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('phone', fields.CharField(null=True, unique=True, max_length=16)),
                ('email', fields.CharField(null=True, unique=True, max_length=254)),
                ('password_hash', fields.CharField(null=True, max_length=255)),
                ('pseudonym', fields.CharField(null=True, max_length=50)),
                ('kind', fields.CharEnumField(default=MemberKind.RESIDENT, description='RESIDENT: resident\nASSOCIATION: association\nPERSON_IN_NEED: person_in_need', enum_type=MemberKind, max_length=20)),
                ('is_admin', fields.BooleanField(default=False)),
                ('phone_verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('email_verified_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('managed_by', fields.ForeignKeyField('models.Association', source_field='managed_by_id', null=True, db_constraint=True, to_field='id', related_name='proxy_profiles', on_delete=OnDelete.CASCADE)),
                ('consent_recorded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('consent_recorded_by', fields.ForeignKeyField('models.Member', source_field='consent_recorded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('consent_statement', fields.CharField(null=True, max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'member', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Action',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('kind', fields.CharEnumField(description='NEED: need\nOFFER: offer\nOUTING: outing', enum_type=ActionKind, max_length=10)),
                ('category', fields.CharEnumField(description='FOOD: food\nCLOTHES: clothes\nHYGIENE: hygiene\nHEALTH: health\nHAIRCUT: haircut\nSOCIAL: social\nHOUSING: housing\nPAPERWORK: paperwork\nSKILLS: skills\nOTHER: other', enum_type=ActionCategory, max_length=12)),
                ('title', fields.CharField(max_length=120)),
                ('description', fields.TextField(default='', unique=False)),
                ('author', fields.ForeignKeyField('models.Member', source_field='author_id', db_constraint=True, to_field='id', related_name='actions', on_delete=OnDelete.CASCADE)),
                ('on_behalf_of', fields.ForeignKeyField('models.Member', source_field='on_behalf_of_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('consent_recorded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('association', fields.ForeignKeyField('models.Association', source_field='association_id', null=True, db_constraint=True, to_field='id', related_name='actions', on_delete=OnDelete.SET_NULL)),
                ('lat', fields.FloatField()),
                ('lon', fields.FloatField()),
                ('public_lat', fields.FloatField()),
                ('public_lon', fields.FloatField()),
                ('h3_cell', fields.CharField(max_length=16)),
                ('h3_r7', fields.CharField(db_index=True, max_length=16)),
                ('h3_r5', fields.CharField(db_index=True, max_length=16)),
                ('status', fields.CharEnumField(default=ActionStatus.OPEN, description='OPEN: open\nFULFILLED: fulfilled\nCLOSED: closed\nEXPIRED: expired', enum_type=ActionStatus, max_length=10)),
                ('visibility', fields.CharEnumField(default=Visibility.PUBLIC, description='PUBLIC: public\nNODE: node\nASSOCIATION: association', enum_type=Visibility, max_length=12)),
                ('auto_accept', fields.BooleanField(default=False)),
                ('starts_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('place_name', fields.CharField(null=True, max_length=120)),
                ('capacity', fields.IntField(null=True)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'action', 'app': 'models', 'indexes': [Index(fields=['status', 'created_at']), Index(fields=['h3_r7', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ApiToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='tokens', on_delete=OnDelete.CASCADE)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(default='api', max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'api_token', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A bearer token. Only its SHA-256 is stored, so a database leak leaks no usable token.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AssociationMembership',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('association', fields.ForeignKeyField('models.Association', source_field='association_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='memberships', on_delete=OnDelete.CASCADE)),
                ('role', fields.CharEnumField(default=AssociationRole.VOLUNTEER, description='ADMIN: admin\nCOORDINATOR: coordinator\nVOLUNTEER: volunteer', enum_type=AssociationRole, max_length=12)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'association_membership', 'app': 'models', 'unique_together': (('association', 'member'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Message',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('action', fields.ForeignKeyField('models.Action', source_field='action_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('author', fields.ForeignKeyField('models.Member', source_field='author_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('body', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'message', 'app': 'models', 'indexes': [Index(fields=['action_id', 'id'])], 'pk_attr': 'id', 'table_description': "A chat message among an action's author and its accepted participants."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Participation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('action', fields.ForeignKeyField('models.Action', source_field='action_id', db_constraint=True, to_field='id', related_name='participations', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='participations', on_delete=OnDelete.CASCADE)),
                ('status', fields.CharEnumField(default=ParticipationStatus.PENDING, description='PENDING: pending\nACCEPTED: accepted\nDECLINED: declined\nLEFT: left', enum_type=ParticipationStatus, max_length=10)),
                ('message', fields.CharField(default='', max_length=500)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'participation', 'app': 'models', 'unique_together': (('action', 'member'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PhoneVerification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='phone_verifications', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(max_length=128)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('consumed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'phone_verification', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A 6-digit code sent by SMS, stored hashed, expires after 10 minutes, 5 attempts.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RateCounter',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(max_length=200)),
                ('window_start', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('count', fields.IntField(default=0)),
            ],
            options={'table': 'rate_counter', 'app': 'models', 'unique_together': (('key', 'window_start'),), 'pk_attr': 'id', 'table_description': 'Fixed-window counters for rate limits, shared by every worker process of the node.'},
            bases=['Model'],
        ),
    ]
