from tortoise import migrations
from tortoise.migrations import operations as ops
from node.models.moderation import ModerationVerb, ReportCategory, ReportStatus, ReportTarget
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0010_association_invitation')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Report',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('reporter', fields.ForeignKeyField('models.Member', source_field='reporter_id', null=True, db_constraint=True, to_field='id', related_name='reports_made', on_delete=OnDelete.SET_NULL)),
                ('target_kind', fields.CharEnumField(description='ACTION: action\nMESSAGE: message\nMEMBER: member\nASSOCIATION: association\nREMOTE: remote', enum_type=ReportTarget, max_length=20)),
                ('target_id', fields.CharField(max_length=2048)),
                ('target_actor_iri', fields.CharField(null=True, max_length=2048)),
                ('category', fields.CharEnumField(description='SPAM: spam\nFRAUD: fraud\nHARASSMENT: harassment\nDANGER: danger\nOTHER: other', enum_type=ReportCategory, max_length=20)),
                ('text', fields.TextField(default='', unique=False)),
                ('status', fields.CharEnumField(default=ReportStatus.OPEN, description='OPEN: open\nRESOLVED: resolved\nDISMISSED: dismissed', enum_type=ReportStatus, max_length=20)),
                ('outcome', fields.CharField(null=True, max_length=500)),
                ('origin_domain', fields.CharField(null=True, max_length=255)),
                ('flag_activity_id', fields.CharField(null=True, max_length=2048)),
                ('forwarded_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('decided_by', fields.ForeignKeyField('models.Member', source_field='decided_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'report', 'app': 'models', 'indexes': [Index(fields=['status', 'created_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ModerationEntry',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('moderator', fields.ForeignKeyField('models.Member', source_field='moderator_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('moderator_name', fields.CharField(default='', max_length=50)),
                ('verb', fields.CharEnumField(description='HIDE: hide\nRESTORE: restore\nWARN: warn\nSUSPEND: suspend\nBAN: ban\nANONYMISE: anonymise\nRESOLVE: resolve\nDISMISS: dismiss\nFORWARD: forward\nGRANT_MODERATOR: grant_moderator\nREVOKE_MODERATOR: revoke_moderator\nADD_WORD: add_word\nREMOVE_WORD: remove_word', enum_type=ModerationVerb, max_length=30)),
                ('target_kind', fields.CharField(default='', max_length=20)),
                ('target_id', fields.CharField(default='', max_length=2048)),
                ('report', fields.ForeignKeyField('models.Report', source_field='report_id', null=True, db_constraint=True, to_field='id', related_name='entries', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(default='', max_length=1000)),
                ('until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'moderation_entry', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One line of the audit log: who did what, to what, why, and when. Kept when the'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScreenedWord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('word', fields.CharField(unique=True, max_length=100)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'screened_word', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A word or phrase moderators want authors warned about before public text is posted.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Member',
            name='banned_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Member',
            name='is_moderator',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Member',
            name='suspended_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
