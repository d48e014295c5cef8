from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0005_partner_committee_decision')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EmailVerification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('member', fields.ForeignKeyField('models.Member', source_field='member_id', db_constraint=True, to_field='id', related_name='email_verifications', on_delete=OnDelete.CASCADE)),
                ('email', fields.CharField(max_length=254)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('consumed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'email_verification', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A link mailed to prove an address: the link holds a random token, stored here as SHA-256'},
            bases=['Model'],
        ),
    ]
