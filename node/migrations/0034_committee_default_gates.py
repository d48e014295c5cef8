from tortoise import migrations
from tortoise.migrations import operations as ops

# A node's committee row is created on first use with the default gates of the code running
# then, joined in declaration order. The charter gate and then the moderation gate (house
# rules) came later, so a committee created before them still lets the admins change the
# charter and the house rules alone. Bring such a committee up to today's defaults, but only
# while its list is exactly one of the former defaults: a list the committee chose (an executed
# ``committee.gates`` decision) or the admins set before the first member sat is written
# sorted by the node, never equals one of these, and is kept as it is.
FORMER_DEFAULTS = (
    "partnerships,federation_policy,associations,committee",
    "partnerships,federation_policy,associations,committee,charter",
)
DEFAULTS = "partnerships,federation_policy,associations,committee,charter,moderation"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


UPGRADE = (
    f"UPDATE committee SET gates = {_quoted(DEFAULTS)} "
    f"WHERE id = 1 AND gates IN ({', '.join(_quoted(g) for g in FORMER_DEFAULTS)}) "
    "AND NOT EXISTS (SELECT 1 FROM committee_decision d "
    "JOIN committee_proposal p ON p.id = d.proposal_id "
    "WHERE p.kind = 'committee.gates' AND d.executed_at IS NOT NULL)"
)


class Migration(migrations.Migration):
    dependencies = [('models', '0033_call_answer_occurrence')]

    initial = False

    # Going back leaves the gates as they are: the former list cannot be told apart from a
    # committee that later chose the same gates.
    operations = [ops.RunSQL(UPGRADE, reverse_sql=ops.RunSQL.noop)]
