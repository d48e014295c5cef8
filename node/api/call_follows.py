"""API routes: a member's area (where they hear about calls) and following associations, of
this node or of a partner node (/api/v1)."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import security_scheme, validate_querystring, validate_request, validate_response

from node.api.calls import CallOut, call_out
from node.api.deps import optional_member, require_member
from node.api.types import BEARER, Strict
from node.http_state import current_node
from node.models import Member
from node.services.calls import (
    audience,
    follows,
    reading,
    remote_follows,
)
from node.services.inputs.calls import (
    MyAreaIn,
)

blueprint = Blueprint("call_follows", __name__, url_prefix="/api/v1")


class FollowOut(BaseModel):
    association_id: UUID
    following: bool
    followers: int


class RemoteFollowQuery(Strict):
    actor: str = Field(..., min_length=1, max_length=2048)


class RemoteFollowOut(BaseModel):
    actor: str
    name: str
    following: bool
    # The partner's answer to this node's Follow: pending, accepted or rejected (null when
    # nobody here follows it).
    state: str | None
    followers: int


class NeedOut(BaseModel):
    label: str
    remaining: int


class NeedsOut(BaseModel):
    people: int = Field(description="Volunteers still wanted by its open calls")
    items: list[NeedOut] = Field(description="Donations still wanted, by item, calls added up")


class PartnerAssociationOut(BaseModel):
    actor: str
    name: str
    origin_domain: str
    needs: NeedsOut
    calls: list[CallOut]
    following: bool = Field(description="You follow it (false when not logged in)")
    state: str | None
    followers: int = Field(description="Members of this node who follow it")


class AreaOut(BaseModel):
    h3_r8: str
    h3_r7: str
    h3_r5: str


@blueprint.put("/members/me/area")
@security_scheme(BEARER)
@validate_request(MyAreaIn)
@validate_response(AreaOut)
async def set_my_area(data: MyAreaIn) -> AreaOut:
    """Where you want to hear about calls. Only the H3 cells of the point are kept."""
    member = await require_member()
    row = await audience.set_member_area(member, data.lat, data.lon)
    return AreaOut(h3_r8=row.h3_r8, h3_r7=row.h3_r7, h3_r5=row.h3_r5)


async def _follow_out(association_id: UUID, member: Member) -> FollowOut:
    return FollowOut(
        association_id=association_id,
        following=await follows.follows(member, association_id),
        followers=await follows.count(association_id),
    )


@blueprint.post("/associations/<uuid:association_id>/follow")
@security_scheme(BEARER)
@validate_response(FollowOut)
async def follow_association(association_id: UUID) -> FollowOut:
    """Follow an association to hear about all its calls (404 unknown)."""
    member = await require_member()
    await follows.follow(member, association_id)
    return await _follow_out(association_id, member)


@blueprint.delete("/associations/<uuid:association_id>/follow")
@security_scheme(BEARER)
@validate_response(FollowOut)
async def unfollow_association(association_id: UUID) -> FollowOut:
    member = await require_member()
    await follows.unfollow(member, association_id)
    return await _follow_out(association_id, member)


async def _remote_follow_out(member: Member, actor: str) -> RemoteFollowOut:
    view = await remote_follows.view(member, actor)
    return RemoteFollowOut(
        actor=view.actor_iri,
        name=view.name,
        following=view.following,
        state=None if view.state is None else view.state.value,
        followers=view.followers,
    )


@blueprint.get("/partner-associations/follow")
@security_scheme(BEARER)
@validate_querystring(RemoteFollowQuery)
@validate_response(RemoteFollowOut)
async def remote_follow_state(query_args: RemoteFollowQuery) -> RemoteFollowOut:
    """Whether you follow an association of a partner node (404 unknown here)."""
    member = await require_member()
    return await _remote_follow_out(member, query_args.actor)


@blueprint.post("/partner-associations/follow")
@security_scheme(BEARER)
@validate_querystring(RemoteFollowQuery)
@validate_response(RemoteFollowOut)
async def follow_remote_association(query_args: RemoteFollowQuery) -> RemoteFollowOut:
    """Follow an association of a partner node (``actor``: the ``association_actor`` of one of
    its calls) to hear about all its calls, wherever they are. The node sends one ``Follow``
    for all its members; following twice changes nothing (200). 404 for an actor no call here
    comes from."""
    member = await require_member()
    await remote_follows.follow(current_node(), member, query_args.actor)
    return await _remote_follow_out(member, query_args.actor)


@blueprint.delete("/partner-associations/follow")
@security_scheme(BEARER)
@validate_querystring(RemoteFollowQuery)
@validate_response(RemoteFollowOut)
async def unfollow_remote_association(query_args: RemoteFollowQuery) -> RemoteFollowOut:
    """Stop following; the last member to leave ends the node's ``Follow`` (``Undo``)."""
    member = await require_member()
    await remote_follows.unfollow(current_node(), member, query_args.actor)
    return await _remote_follow_out(member, query_args.actor)


@blueprint.get("/partner-associations")
@validate_querystring(RemoteFollowQuery)
@validate_response(PartnerAssociationOut)
async def partner_association(query_args: RemoteFollowQuery) -> PartnerAssociationOut:
    """An association of a partner node as this node knows it (anonymous allowed): its name
    and node, its open calls relayed here and what they still need, and whether you follow
    it. 404 for an actor no call here comes from."""
    member = await optional_member()
    association = await reading.partner_association(actor_iri=query_args.actor)
    calls = await reading.of_partner_association(association.actor_iri)
    needs = await reading.needs(calls, current_node().settings.timezone)
    view = await remote_follows.view(member, association.actor_iri)
    return PartnerAssociationOut(
        actor=association.actor_iri,
        name=association.name,
        origin_domain=association.domain,
        needs=NeedsOut(
            people=needs.people,
            items=[NeedOut(label=label, remaining=count) for label, count in needs.items],
        ),
        calls=[await call_out(call, member) for call in calls],
        following=view.following,
        state=None if view.state is None else view.state.value,
        followers=view.followers,
    )
