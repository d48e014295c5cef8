"""Member blocks: a member blocks another, of this node or of another (their actor IRI).

Blocking works both ways and is enforced by this node only (nothing is sent to the other's
node, as Mastodon does for a personal block): neither sees the other's actions, chat messages or
participation, and neither can join, message or answer the other. Incoming activities from a
blocked remote person are refused by the services the inbox calls.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from node import clock
from node.errors import Conflict, NotFound, Unprocessable
from node.models import Member, MemberBlock

MAX_BLOCKS = 1000
IRI_MAX = 2048


@dataclass(frozen=True, slots=True)
class Hidden:
    """Whom a viewer must not see: members of this node both ways, remote actors they blocked."""

    member_ids: frozenset[uuid.UUID] = frozenset()
    actor_iris: frozenset[str] = frozenset()

    def hides_member(self, member_id: uuid.UUID | None) -> bool:
        return member_id is not None and member_id in self.member_ids

    def hides_actor(self, actor_iri: str | None) -> bool:
        return actor_iri is not None and actor_iri in self.actor_iris


NOBODY = Hidden()


def _check_iri(actor_iri: str) -> str:
    iri = actor_iri.strip()
    if not (iri.startswith("https://") or iri.startswith("http://")) or len(iri) > IRI_MAX:
        raise Unprocessable.field("actor", "must be the address (IRI) of a person's actor")
    return iri


async def block(
    member: Member, *, member_id: uuid.UUID | None = None, actor_iri: str | None = None
) -> MemberBlock:
    """Block a member of this node or a remote actor; 404 unknown member, 409 already blocked,
    422 yourself, neither or both, or past :data:`MAX_BLOCKS`."""
    if (member_id is None) == (actor_iri is None):
        raise Unprocessable.field("member_id", "Give a member or an actor, not both.")
    if member_id == member.id:
        raise Unprocessable.field("member_id", "You cannot block yourself.")
    if await MemberBlock.filter(member_id=member.id).count() >= MAX_BLOCKS:
        raise Unprocessable.field("member_id", f"At most {MAX_BLOCKS} blocks.")
    fields: dict[str, Any] = {}
    if member_id is not None:
        if not await Member.exists(id=member_id):
            raise NotFound("No such member.")
        fields["blocked_member_id"] = member_id
    else:
        assert actor_iri is not None
        fields["blocked_actor_iri"] = _check_iri(actor_iri)
    if await MemberBlock.exists(member_id=member.id, **fields):
        raise Conflict("You already block them.")
    try:
        return await MemberBlock.create(member=member, created_at=clock.now(), **fields)
    except IntegrityError:
        raise Conflict("You already block them.") from None


async def unblock(
    member: Member, *, member_id: uuid.UUID | None = None, actor_iri: str | None = None
) -> None:
    """Lift a block; 404 when there is none, 422 for neither or both."""
    if (member_id is None) == (actor_iri is None):
        raise Unprocessable.field("member_id", "Give a member or an actor, not both.")
    query = MemberBlock.filter(member_id=member.id)
    if member_id is not None:
        query = query.filter(blocked_member_id=member_id)
    else:
        assert actor_iri is not None
        query = query.filter(blocked_actor_iri=actor_iri.strip())
    if not await query.delete():
        raise NotFound("You do not block them.")


async def blocks_of(member: Member) -> list[MemberBlock]:
    return (
        await MemberBlock.filter(member_id=member.id)
        .select_related("blocked_member")
        .order_by("-created_at", "-id")
    )


async def hidden_for(viewer: Member | None) -> Hidden:
    """Whom ``viewer`` must not see or meet: those they blocked and those who blocked them."""
    if viewer is None:
        return NOBODY
    rows = await MemberBlock.filter(
        Q(member_id=viewer.id) | Q(blocked_member_id=viewer.id)
    ).values_list("member_id", "blocked_member_id", "blocked_actor_iri")
    ids: set[uuid.UUID] = set()
    iris: set[str] = set()
    for blocker, blocked, iri in rows:
        if blocker == viewer.id:
            if blocked is not None:
                ids.add(blocked)
            if iri is not None:
                iris.add(iri)
        else:
            ids.add(blocker)
    return Hidden(member_ids=frozenset(ids), actor_iris=frozenset(iris))


async def between(member_id: uuid.UUID, other_id: uuid.UUID) -> bool:
    """Whether either of two members of this node blocked the other."""
    return await MemberBlock.filter(
        Q(member_id=member_id, blocked_member_id=other_id)
        | Q(member_id=other_id, blocked_member_id=member_id)
    ).exists()


async def blocks_actor(member_id: uuid.UUID | None, actor_iri: str) -> bool:
    """Whether the member of this node blocked this remote actor."""
    if member_id is None:
        return False
    return await MemberBlock.exists(member_id=member_id, blocked_actor_iri=actor_iri)
