from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from node.models.committee import CodePurpose, CommitteeRole, ProposalOrigin, ProposalState, VoteChannel, VoteChoice
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0003_partner_figures')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Committee',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('quorum', fields.IntField(default=5)),
                ('voting_days', fields.IntField(default=7)),
                ('gates', fields.TextField(unique=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'committee', 'app': 'models', 'pk_attr': 'id', 'table_description': "The committee's rules and the list of gated areas (comma-separated gate names)."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CommitteeMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='committee_seats', on_delete=OnDelete.CASCADE)),
                ('active_member_id', fields.UUIDField(null=True, unique=True)),
                ('role', fields.CharEnumField(default=CommitteeRole.MEMBER, description='MEMBER: member\nFACILITATOR: facilitator', enum_type=CommitteeRole, max_length=12)),
                ('consent_statement', fields.CharField(null=True, max_length=500)),
                ('joined_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('left_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'committee_member', 'app': 'models', 'pk_attr': 'id', 'table_description': "A seat on the committee. ``active_member_id`` is the member's id while the seat is held"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CommitteeProposal',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('number', fields.IntField(unique=True)),
                ('kind', fields.CharField(max_length=40)),
                ('gate', fields.CharField(max_length=40)),
                ('title', fields.CharField(max_length=200)),
                ('summary_fr', fields.TextField(unique=False)),
                ('summary_en', fields.TextField(unique=False)),
                ('change', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('before', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('after', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('subject', fields.CharField(max_length=300)),
                ('open_subject', fields.CharField(null=True, unique=True, max_length=300)),
                ('origin', fields.CharEnumField(description='ADMIN: admin\nREMOTE: remote\nEMERGENCY: emergency\nCOMMITTEE: committee', enum_type=ProposalOrigin, max_length=10)),
                ('proposed_by', fields.ForeignKeyField('models.Member', source_field='proposed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('state', fields.CharEnumField(default=ProposalState.OPEN, description='OPEN: open\nAPPROVED: approved\nREFUSED: refused\nEXPIRED: expired', enum_type=ProposalState, max_length=10)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('deadline', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('links_sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('reminded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'committee_proposal', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A change waiting for the committee. ``subject`` names what it changes (such as'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Decision',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('proposal', fields.OneToOneField('models.CommitteeProposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='decision', on_delete=OnDelete.CASCADE)),
                ('outcome', fields.CharEnumField(description='OPEN: open\nAPPROVED: approved\nREFUSED: refused\nEXPIRED: expired', enum_type=ProposalState, max_length=10)),
                ('votes_for', fields.IntField()),
                ('votes_against', fields.IntField()),
                ('votes_abstain', fields.IntField()),
                ('quorum', fields.IntField()),
                ('decided_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('executed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('execution_error', fields.CharField(null=True, max_length=500)),
            ],
            options={'table': 'committee_decision', 'app': 'models', 'pk_attr': 'id', 'table_description': 'The public record of a closed proposal: the outcome, the tally, and whether the node'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Meeting',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('held_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('place', fields.CharField(default='', max_length=200)),
                ('notes', fields.TextField(default='', unique=False)),
                ('recorded_by', fields.ForeignKeyField('models.Member', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'committee_meeting', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A committee meeting, recorded by its facilitator: who was there, what was voted.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MeetingAttendee',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('models.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name='attendees', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'committee_meeting_attendee', 'app': 'models', 'unique_together': (('meeting', 'member'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='PartnerOpinion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('models.CommitteeProposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='opinions', on_delete=OnDelete.CASCADE)),
                ('remote_domain', fields.CharField(max_length=255)),
                ('remote_actor_iri', fields.CharField(max_length=2048)),
                ('question_iri', fields.CharField(unique=True, max_length=2048)),
                ('answer', fields.CharField(null=True, max_length=8)),
                ('answer_iri', fields.CharField(null=True, max_length=2048)),
                ('tally', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('asked_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'committee_partner_opinion', 'app': 'models', 'unique_together': (('proposal', 'remote_domain'),), 'pk_attr': 'id', 'table_description': "A partner node's committee asked for its opinion on one of our proposals (an AS2"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Vote',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('proposal', fields.ForeignKeyField('models.CommitteeProposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('choice', fields.CharEnumField(description='FOR: for\nAGAINST: against\nABSTAIN: abstain', enum_type=VoteChoice, max_length=8)),
                ('comment', fields.CharField(default='', max_length=500)),
                ('channel', fields.CharEnumField(description='WEB: web\nSMS: sms\nAPI: api\nMEETING: meeting', enum_type=VoteChannel, max_length=8)),
                ('meeting', fields.ForeignKeyField('models.Meeting', source_field='meeting_id', null=True, db_constraint=True, to_field='id', related_name='votes', on_delete=OnDelete.SET_NULL)),
                ('confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('confirmed_how', fields.CharField(default='', max_length=10)),
                ('cast_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'committee_vote', 'app': 'models', 'unique_together': (('proposal', 'member'),), 'pk_attr': 'id', 'table_description': "One member's vote on one proposal, changeable until the deadline. A vote recorded in a"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='VoteCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('purpose', fields.CharEnumField(description='VOTE: vote\nCONFIRM: confirm', enum_type=CodePurpose, max_length=8)),
                ('proposal', fields.ForeignKeyField('models.CommitteeProposal', source_field='proposal_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'committee_vote_code', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A one-time code sent by SMS: a vote link, or the confirmation of a meeting vote. Only'},
            bases=['Model'],
        ),
    ]
