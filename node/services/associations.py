"""Associations: creation and approval, memberships and roles, proxy profiles (DESIGN §1, §5).

Node administrators may do everything an association admin may do, on every association.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection
from typing import TYPE_CHECKING
from uuid import UUID

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, Forbidden, NotFound
from node.models import (
    Association,
    AssociationMembership,
    AssociationRole,
    AssociationStatus,
    Member,
    MemberKind,
)
from node.services.committee import gates
from node.services.committee.changes import ApproveAssociation
from node.services.committee.rules import is_gated
from node.services.members import erase_member

if TYPE_CHECKING:
    from node.models import Decision
    from node.state import NodeState

SLUG_MAX = 80
MANAGERS = (AssociationRole.ADMIN,)
PROXY_MAKERS = (AssociationRole.ADMIN, AssociationRole.COORDINATOR)


async def membership_role(
    member: Member, association: Association | UUID
) -> AssociationRole | None:
    """The member's role in the association (or the association with this id), or None when
    they are not a member of it."""
    association_id = association if isinstance(association, UUID) else association.id
    row = await AssociationMembership.get_or_none(
        association_id=association_id, member_id=member.id
    )
    return None if row is None else AssociationRole(row.role)


def slugify(name: str) -> str:
    """``"Les Restos du Cœur"`` → ``"les-restos-du-coeur"`` (ASCII, dashes, ≤ 80 characters)."""
    text = unicodedata.normalize("NFKD", name.replace("œ", "oe").replace("Œ", "Oe"))
    text = text.encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:SLUG_MAX].strip("-")
    return slug or "association"


async def _check_name_and_pick_slug(name: str) -> str:
    """Conflict when the name is taken, ignoring case (Unicode-aware on SQLite too: names equal
    but for case have the same slug, so the candidates are those whose slug starts alike)."""
    base = slugify(name)
    rows = await Association.filter(slug__startswith=base).values_list("name", "slug")
    if any(str(other).casefold() == name.casefold() for other, _ in rows):
        raise Conflict.field("name", "An association already has this name.")
    taken = {str(slug) for _, slug in rows}
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: SLUG_MAX - len(suffix)] + suffix
        if candidate not in taken:
            return candidate
        n += 1


async def create_association(
    *,
    name: str,
    description: str,
    created_by: Member | None,
    approved: bool,
    node: NodeState,
) -> Association:
    """A new association, approved (node admin) or pending (a member's request); the creator,
    if any, becomes its first admin. 409 when the name is taken (case-insensitive). Where the
    street committee approves associations, an admin's creation stays pending and opens a
    proposal to approve it."""
    name = " ".join(name.split())
    slug = await _check_name_and_pick_slug(name)
    now = clock.now()
    propose_approval = approved and await is_gated(ApproveAssociation.gate)
    if propose_approval:
        approved = False
    try:
        async with in_transaction():
            association = await Association.create(
                name=name,
                slug=slug,
                description=description.strip(),
                status=AssociationStatus.APPROVED if approved else AssociationStatus.PENDING,
                created_at=now,
                decided_at=now if approved else None,
            )
            if created_by is not None:
                await AssociationMembership.create(
                    association=association,
                    member=created_by,
                    role=AssociationRole.ADMIN,
                    created_at=now,
                )
    except IntegrityError:  # a parallel request took the name or the slug
        raise Conflict.field("name", "An association already has this name.") from None
    if propose_approval:
        from node.models import ProposalOrigin
        from node.services.committee.proposals import propose

        change = ApproveAssociation(association_id=association.id, name=association.name)
        await propose(node, change, origin=ProposalOrigin.ADMIN, by=created_by)
    return association


async def get_association(association_id: UUID) -> Association:
    association = await Association.get_or_none(id=association_id)
    if association is None:
        raise NotFound("No such association.")
    return association


async def decide(
    association: Association,
    approve: bool,
    *,
    node: NodeState,
    by: Member | None = None,
    decision: Decision | None = None,
) -> Association:
    """Approve or reject a pending request; 409 when it was already decided. Approving is
    gated by the street committee where the node's policy says so: it raises
    :class:`~node.services.committee.gates.Proposed` unless ``decision`` approved it."""
    if association.status != AssociationStatus.PENDING:
        raise Conflict(f"This association is already {association.status}.")
    if approve:
        change = ApproveAssociation(association_id=association.id, name=association.name)
        await gates.require(node, change, by=by, decision=decision)
    status = AssociationStatus.APPROVED if approve else AssociationStatus.REJECTED
    now = clock.now()
    updated = await Association.filter(id=association.id, status=AssociationStatus.PENDING).update(
        status=status, decided_at=now
    )
    if not updated:
        raise Conflict(f"This association is already {association.status}.")
    association.status = status
    association.decided_at = now
    return association


async def list_associations(
    status: AssociationStatus, limit: int = 50, offset: int = 0
) -> list[Association]:
    return (
        await Association.filter(status=status).order_by("name").offset(offset).limit(limit).all()
    )


async def visible_association(association_id: UUID, viewer: Member | None) -> Association:
    """The association if ``viewer`` may see it: approved ones are public; pending and rejected
    ones are seen by node admins and their own members. 404 otherwise."""
    association = await Association.get_or_none(id=association_id)
    if association is None:
        raise NotFound("No such association.")
    if association.status == AssociationStatus.APPROVED:
        return association
    if viewer is not None and (
        viewer.is_admin or await membership_role(viewer, association) is not None
    ):
        return association
    raise NotFound("No such association.")


async def require_role(
    member: Member, association: Association, roles: Collection[AssociationRole] | None = None
) -> AssociationRole | None:
    """Forbidden unless ``member`` has one of ``roles`` (any role when None) or is a node admin."""
    role = await membership_role(member, association)
    if member.is_admin:
        return role
    if role is None or (roles is not None and role not in roles):
        wanted = "a member" if roles is None else " or ".join(r.value for r in roles)
        raise Forbidden(f"Only {wanted} of this association can do this.")
    return role


def _require_approved(association: Association) -> None:
    if association.status != AssociationStatus.APPROVED:
        raise Conflict("This association is not approved.")


async def add_member(
    association: Association, member: Member, role: AssociationRole
) -> AssociationMembership:
    """Add ``member`` with ``role``; 409 when they already belong to the association."""
    if await AssociationMembership.filter(
        association_id=association.id, member_id=member.id
    ).exists():
        raise Conflict("This member already belongs to the association.")
    try:
        return await AssociationMembership.create(
            association=association, member=member, role=role, created_at=clock.now()
        )
    except IntegrityError:
        raise Conflict("This member already belongs to the association.") from None


async def _membership(association: Association, member_id: UUID) -> AssociationMembership:
    row = await AssociationMembership.get_or_none(
        association_id=association.id, member_id=member_id
    ).select_related("member")
    if row is None:
        raise NotFound("This member does not belong to the association.")
    return row


async def _keep_an_admin(association: Association, leaving: AssociationMembership) -> None:
    """Conflict when ``leaving`` is the association's last admin (rows locked on PostgreSQL)."""
    if leaving.role != AssociationRole.ADMIN:
        return
    admins = (
        await AssociationMembership.filter(
            association_id=association.id, role=AssociationRole.ADMIN
        )
        .select_for_update()  # a model query: Tortoise drops FOR UPDATE from values queries
        .only("id")
    )
    if len(admins) <= 1:
        raise Conflict("An association keeps at least one admin; name another admin first.")


async def change_role(
    association: Association, member_id: UUID, role: AssociationRole
) -> AssociationMembership:
    async with in_transaction():
        row = await _membership(association, member_id)
        if role != AssociationRole.ADMIN:
            await _keep_an_admin(association, row)
        row.role = role
        await row.save(update_fields=["role"])
    return row


async def remove_member(association: Association, member_id: UUID) -> None:
    async with in_transaction():
        row = await _membership(association, member_id)
        await _keep_an_admin(association, row)
        await row.delete()


async def list_members(association: Association) -> list[AssociationMembership]:
    return (
        await AssociationMembership.filter(association_id=association.id)
        .select_related("member")
        .order_by("created_at", "id")
    )


async def create_proxy_profile(
    association: Association, *, pseudonym: str, consent_statement: str, recorded_by: Member
) -> Member:
    """A member without phone, email or password, for a person the association accompanies,
    with the consent the association recorded (who, when, how it was given)."""
    _require_approved(association)
    now = clock.now()
    return await Member.create(
        phone=None,
        email=None,
        password_hash=None,
        pseudonym=pseudonym.strip(),
        kind=MemberKind.PERSON_IN_NEED,
        managed_by=association,
        consent_recorded_at=now,
        consent_recorded_by=recorded_by,
        consent_statement=consent_statement.strip(),
        created_at=now,
    )


async def list_proxies(association: Association) -> list[Member]:
    return (
        await Member.filter(managed_by_id=association.id)
        .select_related("consent_recorded_by")
        .order_by("created_at")
    )


async def withdraw_consent(node: NodeState, association: Association, proxy_id: UUID) -> None:
    """The person a proxy profile speaks for takes their consent back (they tell the
    association, which acts for them): the profile and everything it posted are deleted, and the
    partners are told as for a deleted account (a ``Delete`` of each public action and of the
    actor). 404 when the association does not manage this profile."""
    proxy = await Member.get_or_none(id=proxy_id, managed_by_id=association.id)
    if proxy is None:
        raise NotFound("No such profile in this association.")
    await erase_member(proxy, node)
