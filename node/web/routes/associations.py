"""Associations: the list, a request to create one, and an association's space (members and
roles, proxy profiles with recorded consent). Node admins may do what association admins do."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from quart import Blueprint, Response, flash, request, url_for

from node.errors import Forbidden, Problem, Unprocessable
from node.http_state import current_node
from node.models import (
    Association,
    AssociationRole,
    AssociationStatus,
    Member,
)
from node.services import association_invitations, phone_vouch
from node.services import associations as service
from node.services.calls import follows as call_follows
from node.services.calls import reading as call_reading
from node.services.committee.changes import ApproveAssociation
from node.services.committee.gates import Proposed
from node.services.committee.proposals import open_proposal_about
from node.services.inputs import parse
from node.services.inputs.associations import AssociationRequest, ProxyProfile
from node.web import nav
from node.web.association_calls import open_call_rows
from node.web.context import current_member
from node.web.context import gettext as _
from node.web.forms import (
    FormErrors,
    checked,
    login_required,
    member,
    raw,
    render,
    see_other,
    text,
)
from node.web.routes.committee import waiting_for_committee

blueprint = Blueprint("web_associations", __name__)


@blueprint.get("/associations")
async def index() -> Response:
    return await _list_page()


async def _list_page(status: int = 200, **extra: Any) -> Response:
    approved = await service.list_associations(AssociationStatus.APPROVED, limit=100)
    extra.setdefault("errors", FormErrors())
    extra.setdefault("values", {})
    return await render("associations.html", status, associations=approved, **extra)


@blueprint.post("/associations")
@login_required
async def request_new() -> Response:
    form = await request.form
    me = member()
    try:
        if not me.is_verified:
            raise Forbidden("Verify your phone number before doing this.")
        asked = parse(
            AssociationRequest,
            {"name": raw(form, "name"), "description": raw(form, "description")},
        )
        association = await service.create_association(
            name=asked.name,
            description=asked.description,
            created_by=me,
            approved=me.is_admin,
            node=current_node(),
        )
    except Problem as exc:
        return await _list_page(exc.status, errors=FormErrors.from_problem(exc), values=form)
    if association.status == AssociationStatus.PENDING:
        if me.is_admin:  # created, but its approval waits for the street committee
            return await _waiting_for_committee(association)
        await flash(_("Your request is sent; a node administrator will review it."))
    return see_other(url_for("web_associations.show", association_id=association.id))


async def _waiting_for_committee(association: Association) -> Response:
    change = ApproveAssociation(association_id=association.id, name=association.name)
    proposal = await open_proposal_about(change.subject)
    if proposal is None:  # closed meanwhile: the association's page says where it stands
        return see_other(url_for("web_associations.show", association_id=association.id))
    return await waiting_for_committee(Proposed(proposal))


async def _space(association_id: UUID, status: int = 200, **extra: Any) -> Response:
    viewer = current_member()
    association = await service.visible_association(association_id, viewer)
    role = await service.membership_role(viewer, association) if viewer else None
    inside = viewer is not None and (viewer.is_admin or role is not None)
    sections = []
    if inside:
        for section in nav.ASSOCIATION_SECTIONS:
            variables = await section.load(viewer, association)
            if variables is not None:
                sections.append((section.template, variables))
    extra.setdefault("errors", FormErrors())
    extra.setdefault("form", None)
    open_calls = await call_reading.of_association(association.id)
    return await render(
        "association.html",
        status,
        association=association,
        role=role,
        inside=inside,
        manager=viewer is not None and (viewer.is_admin or role in service.MANAGERS),
        proxy_maker=viewer is not None and (viewer.is_admin or role in service.PROXY_MAKERS),
        vouches=role in service.PROXY_MAKERS,
        members=await service.list_members(association) if inside else [],
        proxies=await service.list_proxies(association) if inside else [],
        roles=list(AssociationRole),
        sections=sections,
        open_calls=await open_call_rows(open_calls),
        needs=await call_reading.needs(open_calls, current_node().settings.timezone),
        following=await call_follows.follows(viewer, association.id),
        followers=await call_follows.count(association.id),
        can_post_calls=await call_reading.can_coordinate(viewer, association.id),
        **extra,
    )


@blueprint.get("/associations/<uuid:association_id>")
async def show(association_id: UUID) -> Response:
    return await _space(association_id)


async def _managed(association_id: UUID, roles: Any) -> tuple[Association, Member]:
    me = member()
    association = await service.visible_association(association_id, me)
    await service.require_role(me, association, roles)
    return association, me


def _back(association_id: UUID, anchor: str) -> Response:
    url = url_for("web_associations.show", association_id=association_id)
    return see_other(url + anchor)


def _role(form: Any) -> AssociationRole:
    try:
        return AssociationRole(text(form, "role", 20))
    except ValueError:
        raise Unprocessable.field("role", "Choose one of the list.") from None


@blueprint.post("/associations/<uuid:association_id>/members")
@login_required
async def add_member(association_id: UUID) -> Response:
    form = await request.form
    try:
        association, me = await _managed(association_id, service.MANAGERS)
        await association_invitations.invite(
            current_node(), association, text(form, "phone", 40), _role(form), by=me
        )
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
        return await _space(association_id, exc.status, errors=errors, form="member")
    await flash(_("The invitation is sent by text message. The person joins when they accept it."))
    return _back(association_id, "#members")


@blueprint.post("/associations/<uuid:association_id>/phone-changes")
@login_required
async def vouch_phone(association_id: UUID) -> Response:
    """A coordinator vouches for a member who lost their phone; the code page comes next."""
    form = await request.form
    try:
        association = await service.get_association(association_id)
        try:
            member_id = UUID(text(form, "member_id", 40))
        except ValueError:
            raise Unprocessable.field("member_id", "Choose one of the list.") from None
        row = await phone_vouch.vouch(
            current_node(), association, member_id, text(form, "new_phone", 40), by=member()
        )
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
        return await _space(association_id, exc.status, errors=errors, form="lost-phone")
    return see_other(
        url_for("web_associations.phone_code", association_id=association_id, change_id=row.id)
    )


@blueprint.get("/associations/<uuid:association_id>/phone-changes/<int:change_id>")
@login_required
async def phone_code(association_id: UUID, change_id: int) -> Response:
    association = await service.get_association(association_id)
    return await render(
        "association_phone_code.html",
        association=association,
        change_id=change_id,
        errors=FormErrors(),
    )


@blueprint.post("/associations/<uuid:association_id>/phone-changes/<int:change_id>")
@login_required
async def confirm_phone(association_id: UUID, change_id: int) -> Response:
    form = await request.form
    association = await service.get_association(association_id)
    try:
        code = text(form, "code", 20)
        if not (len(code) == 6 and code.isdigit()):
            raise Unprocessable.field("code", "The code has 6 digits.")
        moved = await phone_vouch.confirm(current_node(), association, change_id, code, by=member())
    except Problem as exc:
        return await render(
            "association_phone_code.html",
            exc.status,
            association=association,
            change_id=change_id,
            errors=FormErrors.from_problem(exc),
        )
    await flash(_("The account of %(name)s is on its new number.", name=moved.display_name))
    return _back(association_id, "#members")


@blueprint.post("/associations/<uuid:association_id>/proxies/<uuid:proxy_id>/withdraw")
@login_required
async def withdraw_consent(association_id: UUID, proxy_id: UUID) -> Response:
    form = await request.form
    try:
        association, _me = await _managed(association_id, service.PROXY_MAKERS)
        if not checked(form, "confirm"):
            raise Unprocessable.field("confirm", "Tick the box to confirm.")
        await service.withdraw_consent(current_node(), association, proxy_id)
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
        return await _space(association_id, exc.status, errors=errors, form="proxy")
    await flash(_("The profile and all it posted are deleted."))
    return _back(association_id, "#proxies")


@blueprint.post("/associations/<uuid:association_id>/members/<uuid:member_id>")
@login_required
async def change_member(association_id: UUID, member_id: UUID) -> Response:
    form = await request.form
    try:
        me = member()
        association = await service.visible_association(association_id, me)
        if form.get("remove"):
            if me.id != member_id:
                await service.require_role(me, association, service.MANAGERS)
            await service.remove_member(association, member_id)
        else:
            await service.require_role(me, association, service.MANAGERS)
            await service.change_role(association, member_id, _role(form))
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
        return await _space(association_id, exc.status, errors=errors, form="member")
    if form.get("remove") and me.id == member_id:
        await flash(_("You have left the association."))
        return see_other(url_for("web_associations.index"))
    return _back(association_id, "#members")


@blueprint.post("/associations/<uuid:association_id>/proxies")
@login_required
async def add_proxy(association_id: UUID) -> Response:
    form = await request.form
    try:
        association, me = await _managed(association_id, service.PROXY_MAKERS)
        if not checked(form, "consent"):
            raise Unprocessable.field("consent", "The person's consent must be recorded.")
        profile = parse(
            ProxyProfile,
            {
                "pseudonym": raw(form, "pseudonym"),
                "consent": True,
                "consent_statement": raw(form, "consent_statement"),
            },
        )
        await service.create_proxy_profile(
            association,
            pseudonym=profile.pseudonym,
            consent_statement=profile.consent_statement,
            recorded_by=me,
        )
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
        return await _space(association_id, exc.status, errors=errors, form="proxy", values=form)
    await flash(_("The profile is created, with the consent recorded."))
    return _back(association_id, "#proxies")
