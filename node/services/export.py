"""Export of everything the node stores about one member (DESIGN §5: one call)."""

from __future__ import annotations

from typing import Any

from tortoise.models import Model

from node import clock
from node.models import (
    Action,
    ApiToken,
    AssociationMembership,
    Member,
    Message,
    Participation,
    PhoneVerification,
)

# Secrets are not personal data and must not leave the database, even towards their owner.
_OMIT = {"password_hash", "token_hash", "code_hash"}


async def _rows(model: type[Model], **filters: Any) -> list[dict[str, Any]]:
    columns = [c for c in model._meta.fields_db_projection if c not in _OMIT]
    rows = await model.filter(**filters).order_by("created_at").values(*columns)
    return [dict(row) for row in rows]


async def export_member(member: Member) -> dict[str, Any]:
    """A JSON-ready dict: profile, tokens, codes, memberships, actions, participations, messages."""
    profile = (await _rows(Member, id=member.id))[0]
    memberships = await _rows(AssociationMembership, member_id=member.id)
    names = dict(
        await AssociationMembership.filter(member_id=member.id).values_list(
            "association_id", "association__name"
        )
    )
    for row in memberships:
        row["association_name"] = names.get(row["association_id"])
    return {
        "exported_at": clock.now(),
        "profile": profile,
        "tokens": await _rows(ApiToken, member_id=member.id),
        "phone_verifications": await _rows(PhoneVerification, member_id=member.id),
        "memberships": memberships,
        "actions": await _rows(Action, author_id=member.id),
        "participations": await _rows(Participation, member_id=member.id),
        "messages": await _rows(Message, author_id=member.id),
    }
