from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

# The house rules a node starts with (the admins change them, through the street committee).
DEFAULT_RULES = (
    ("Pas d'insultes ni de menaces.", "No insults or threats."),
    (
        "Aucune adresse exacte, aucun numéro de téléphone d'une autre personne. "
        "Jamais l'endroit où quelqu'un dort.",
        "No exact address or phone number of another person. "
        "Never where someone sleeps.",
    ),
    ("Pas de vente ni d'arnaque. L'entraide est gratuite.", "No selling and no scams. Help is free."),
    ("Pas de photo d'une personne sans son accord.", "No photo of a person without their consent."),
    ("Pas de propos racistes, sexistes ou haineux.", "No racist, sexist or hateful words."),
    ("Pas de publicité ni de messages en masse.", "No advertising and no mass messages."),
)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


SEED = [
    "INSERT INTO house_rule (position, text_fr, text_en, created_at, updated_at) VALUES "
    f"({n}, {_quoted(fr)}, {_quoted(en)}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    for n, (fr, en) in enumerate(DEFAULT_RULES, start=1)
]


class Migration(migrations.Migration):
    dependencies = [('models', '0030_proposal_title_en')]

    initial = False

    operations = [
        ops.CreateModel(
            name='HouseRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('position', fields.IntField()),
                ('text_fr', fields.CharField(max_length=300)),
                ('text_en', fields.CharField(max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('removed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'house_rule', 'app': 'models', 'pk_attr': 'id', 'table_description': "One of the node's house rules (French and English). ``position`` orders the rules in"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='ModerationEntry',
            name='rule',
            field=fields.ForeignKeyField('models.HouseRule', source_field='rule_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='Report',
            name='rule',
            field=fields.ForeignKeyField('models.HouseRule', source_field='rule_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.RunSQL(SEED, reverse_sql="DELETE FROM house_rule"),
    ]
