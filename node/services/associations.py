"""Associations: creation and approval, memberships and roles, proxy profiles (DESIGN §1, §5)."""

from __future__ import annotations

from node.models import Association, AssociationMembership, AssociationRole, Member


async def membership_role(member: Member, association: Association) -> AssociationRole | None:
    """The member's role in the association, or None when they are not a member of it."""
    role = (
        await AssociationMembership.filter(association_id=association.id, member_id=member.id)
        .values_list("role", flat=True)
        .first()
    )
    return None if role is None else AssociationRole(role)
