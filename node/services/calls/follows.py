"""Members following associations of this node, to hear about every call they post."""

from __future__ import annotations

from uuid import UUID

from node import clock
from node.errors import NotFound
from node.models import Association, AssociationFollow, AssociationStatus, Member


async def _association(association_id: UUID) -> Association:
    association = await Association.get_or_none(id=association_id)
    if association is None or association.status != AssociationStatus.APPROVED:
        raise NotFound("No such association.")
    return association


async def follow(member: Member, association_id: UUID) -> bool:
    """Follow (a second time changes nothing); True when it is new."""
    association = await _association(association_id)
    _, created = await AssociationFollow.get_or_create(
        member_id=member.id, association_id=association.id, defaults={"created_at": clock.now()}
    )
    return created


async def unfollow(member: Member, association_id: UUID) -> bool:
    association = await _association(association_id)
    gone = await AssociationFollow.filter(
        member_id=member.id, association_id=association.id
    ).delete()
    return bool(gone)


async def follows(member: Member | None, association_id: UUID) -> bool:
    if member is None:
        return False
    return await AssociationFollow.exists(member_id=member.id, association_id=association_id)


async def followers(association_id: UUID) -> list[UUID]:
    ids: list[UUID] = await AssociationFollow.filter(association_id=association_id).values_list(
        "member_id", flat=True
    )  # type: ignore[assignment]
    return ids


async def count(association_id: UUID) -> int:
    return await AssociationFollow.filter(association_id=association_id).count()
