"""API routes: associations, their members and roles, proxy profiles (under /api/v1).

Nothing here shows a phone number or an email address: members appear by pseudonym and role.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import security_scheme, validate_querystring, validate_request, validate_response

from node.api.deps import (
    optional_member,
    require_member,
    require_node_admin,
    require_verified_member,
)
from node.api.types import BEARER, MAX_INT, Phone, Strict
from node.http_state import current_node
from node.models import (
    Association,
    AssociationMembership,
    AssociationRole,
    AssociationStatus,
    Member,
    MemberKind,
)
from node.services import admins
from node.services import association_invitations as invitations
from node.services import associations as service
from node.services.inputs.associations import AssociationRequest, ProxyProfile

blueprint = Blueprint("associations", __name__, url_prefix="/api/v1")


class AssociationQuery(Strict):
    status: AssociationStatus = Field(
        AssociationStatus.APPROVED, description="pending and rejected: node admins only"
    )
    limit: int = Field(50, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_INT)


class AddMemberIn(Strict):
    phone: Phone
    role: AssociationRole = AssociationRole.VOLUNTEER


class InvitationSentOut(BaseModel):
    """The same for every number: whether it has an account is the person's to tell."""

    status: str = Field(description="always ``invited``: a text was sent to the number")
    expires_at: datetime


class RoleIn(Strict):
    role: AssociationRole


class AssociationOut(BaseModel):
    id: UUID
    name: str
    slug: str
    description: str
    status: AssociationStatus
    created_at: datetime
    decided_at: datetime | None


class AssociationListOut(BaseModel):
    items: list[AssociationOut]


class AssociationMemberOut(BaseModel):
    member_id: UUID
    pseudonym: str
    role: AssociationRole
    joined_at: datetime


class AssociationMemberListOut(BaseModel):
    items: list[AssociationMemberOut]


class ProxyOut(BaseModel):
    id: UUID
    pseudonym: str
    kind: MemberKind
    consent_recorded_at: datetime | None
    consent_recorded_by: str | None
    consent_statement: str | None
    created_at: datetime


class ProxyListOut(BaseModel):
    items: list[ProxyOut]


def association_out(association: Association) -> AssociationOut:
    return AssociationOut(
        id=association.id,
        name=association.name,
        slug=association.slug,
        description=association.description,
        status=association.status,
        created_at=association.created_at,
        decided_at=association.decided_at,
    )


def member_out(row: AssociationMembership) -> AssociationMemberOut:
    return AssociationMemberOut(
        member_id=row.member.id,
        pseudonym=row.member.display_name,
        role=row.role,
        joined_at=row.created_at,
    )


def proxy_out(member: Member) -> ProxyOut:
    recorder = member.consent_recorded_by
    return ProxyOut(
        id=member.id,
        pseudonym=member.display_name,
        kind=member.kind,
        consent_recorded_at=member.consent_recorded_at,
        consent_recorded_by=recorder.display_name if recorder is not None else None,
        consent_statement=member.consent_statement,
        created_at=member.created_at,
    )


@blueprint.post("/associations")
@security_scheme(BEARER)
@validate_request(AssociationRequest)
@validate_response(AssociationOut, 201)
async def create_association(data: AssociationRequest) -> tuple[AssociationOut, int]:
    """A node admin creates an approved association; any verified member requests one (pending,
    to be approved by a node admin). Either way the caller becomes its admin. 409: name taken."""
    member = await require_verified_member()
    association = await service.create_association(
        name=data.name,
        description=data.description,
        created_by=member,
        approved=member.is_admin,
        node=current_node(),
    )
    return association_out(association), 201


@blueprint.get("/associations")
@validate_querystring(AssociationQuery)
@validate_response(AssociationListOut)
async def list_associations(query_args: AssociationQuery) -> AssociationListOut:
    """Approved associations, by name. Node admins may list ``pending`` or ``rejected`` ones."""
    if query_args.status != AssociationStatus.APPROVED:
        admins.require_node_admin(await optional_member())
    rows = await service.list_associations(query_args.status, query_args.limit, query_args.offset)
    return AssociationListOut(items=[association_out(a) for a in rows])


@blueprint.get("/associations/<uuid:association_id>")
@validate_response(AssociationOut)
async def get_association(association_id: UUID) -> AssociationOut:
    """One association: public once approved, else only for node admins and its members."""
    association = await service.visible_association(association_id, await optional_member())
    return association_out(association)


async def _decide(association_id: UUID, approve: bool) -> AssociationOut:
    member = await require_node_admin()
    association = await service.visible_association(association_id, member)
    decided = await service.decide(association, approve, node=current_node(), by=member)
    return association_out(decided)


@blueprint.post("/associations/<uuid:association_id>/approve")
@security_scheme(BEARER)
@validate_response(AssociationOut)
async def approve_association(association_id: UUID) -> AssociationOut:
    """Node admin: approve a pending request (409 when already decided)."""
    return await _decide(association_id, True)


@blueprint.post("/associations/<uuid:association_id>/reject")
@security_scheme(BEARER)
@validate_response(AssociationOut)
async def reject_association(association_id: UUID) -> AssociationOut:
    """Node admin: reject a pending request (409 when already decided)."""
    return await _decide(association_id, False)


async def _association_for(
    association_id: UUID, roles: tuple[AssociationRole, ...] | None
) -> tuple[Association, Member]:
    member = await require_member()
    association = await service.visible_association(association_id, member)
    await service.require_role(member, association, roles)
    return association, member


@blueprint.get("/associations/<uuid:association_id>/members")
@security_scheme(BEARER)
@validate_response(AssociationMemberListOut)
async def list_members(association_id: UUID) -> AssociationMemberListOut:
    """The association's members by pseudonym and role; for its members and node admins."""
    association, _ = await _association_for(association_id, None)
    rows = await service.list_members(association)
    return AssociationMemberListOut(items=[member_out(row) for row in rows])


@blueprint.post("/associations/<uuid:association_id>/members")
@security_scheme(BEARER)
@validate_request(AddMemberIn)
@validate_response(InvitationSentOut, 202)
async def invite_member(association_id: UUID, data: AddMemberIn) -> tuple[InvitationSentOut, int]:
    """Association admin: invite a phone number to join with a role. The person joins only by
    accepting (on their page, or with the code the text carries). The answer is the same for
    every number, with or without an account or already a member (409: association not
    approved; 429 past the SMS caps, with ``Retry-After``)."""
    association, admin = await _association_for(association_id, service.MANAGERS)
    invitation = await invitations.invite(
        current_node(), association, data.phone, data.role, by=admin
    )
    return InvitationSentOut(status="invited", expires_at=invitation.expires_at), 202


@blueprint.patch("/associations/<uuid:association_id>/members/<uuid:member_id>")
@security_scheme(BEARER)
@validate_request(RoleIn)
@validate_response(AssociationMemberOut)
async def change_role(association_id: UUID, member_id: UUID, data: RoleIn) -> AssociationMemberOut:
    """Association admin: change a member's role (409 when it would leave no admin)."""
    association, _ = await _association_for(association_id, service.MANAGERS)
    return member_out(await service.change_role(association, member_id, data.role))


@blueprint.delete("/associations/<uuid:association_id>/members/<uuid:member_id>")
@security_scheme(BEARER)
async def remove_member(association_id: UUID, member_id: UUID) -> tuple[str, int]:
    """Association admin removes a member, or a member leaves (409 for the last admin)."""
    member = await require_member()
    association = await service.visible_association(association_id, member)
    if member.id != member_id:
        await service.require_role(member, association, service.MANAGERS)
    await service.remove_member(association, member_id)
    return "", 204


@blueprint.get("/associations/<uuid:association_id>/proxies")
@security_scheme(BEARER)
@validate_response(ProxyListOut)
async def list_proxies(association_id: UUID) -> ProxyListOut:
    """Proxy profiles the association manages; for its members and node admins."""
    association, _ = await _association_for(association_id, None)
    return ProxyListOut(items=[proxy_out(m) for m in await service.list_proxies(association)])


@blueprint.post("/associations/<uuid:association_id>/proxies")
@security_scheme(BEARER)
@validate_request(ProxyProfile)
@validate_response(ProxyOut, 201)
async def create_proxy(association_id: UUID, data: ProxyProfile) -> tuple[ProxyOut, int]:
    """Association admin or coordinator: a profile, without phone or email, for a person the
    association accompanies; their consent (``consent: true`` and how it was given) is recorded."""
    association, member = await _association_for(association_id, service.PROXY_MAKERS)
    proxy = await service.create_proxy_profile(
        association,
        pseudonym=data.pseudonym,
        consent_statement=data.consent_statement,
        recorded_by=member,
    )
    proxy.consent_recorded_by = member
    return proxy_out(proxy), 201


@blueprint.delete("/associations/<uuid:association_id>/proxies/<uuid:proxy_id>")
@security_scheme(BEARER)
async def withdraw_consent(association_id: UUID, proxy_id: UUID) -> tuple[str, int]:
    """Association admin or coordinator, for the person who takes their consent back: the
    profile and all it posted are deleted, on this node and at the partners (404: not a profile
    of this association)."""
    association, _ = await _association_for(association_id, service.PROXY_MAKERS)
    await service.withdraw_consent(current_node(), association, proxy_id)
    return "", 204
