"""Associations: creation and approval, memberships and roles, proxy profiles (DESIGN §1, §5)."""

from __future__ import annotations

from node.models import Association, AssociationMembership, AssociationRole, Member


async def membership_role(member: Member, association: Association) -> AssociationRole | None:
    """The member's role in the association, or None when they are not a member of it."""
    row = await AssociationMembership.get_or_none(
        association_id=association.id, member_id=member.id
    )
    return None if row is None else AssociationRole(row.role)
