from tortoise import migrations
from tortoise.migrations import operations as ops
from node.models.partnership import PartnershipDirection, PartnershipStatus
from tortoise.fields.base import OnDelete
from uuid import uuid4
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0031_house_rules')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PartnershipScopeOffer',
            fields=[
                ('id', fields.UUIDField(primary_key=True, default=uuid4, unique=True, db_index=True)),
                ('partnership', fields.ForeignKeyField('models.Partnership', source_field='partnership_id', db_constraint=True, to_field='id', related_name='scope_offers', on_delete=OnDelete.CASCADE)),
                ('direction', fields.CharEnumField(description='OUTGOING: outgoing\nINCOMING: incoming', enum_type=PartnershipDirection, max_length=10)),
                ('scopes', fields.CharField(max_length=200)),
                ('message', fields.CharField(default='', max_length=1000)),
                ('status', fields.CharEnumField(default=PartnershipStatus.PENDING, description='PENDING: pending\nACCEPTED: accepted\nREJECTED: rejected\nENDED: ended', enum_type=PartnershipStatus, max_length=10)),
                ('offer_activity_id', fields.CharField(unique=True, max_length=2048)),
                ('decision_activity_id', fields.CharField(null=True, max_length=2048)),
                ('decided_by_id', fields.UUIDField(null=True)),
                ('remote_decision_iri', fields.CharField(null=True, max_length=2048)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'partnership_scope_offer', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A request to share more within an accepted partnership, ours or theirs.'},
            bases=['Model'],
        ),
    ]
