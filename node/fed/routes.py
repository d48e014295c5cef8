"""Federation endpoints (no ``/api`` prefix): discovery, actors, inboxes, outboxes, followers,
object dereferencing with content negotiation.

Signed GET ("authorized fetch") is required in allowlist mode and optional otherwise; the
instance actor and the discovery documents stay public so that a remote can always verify us.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from quart import Blueprint, Quart, Response, redirect, request
from werkzeug.wrappers.response import Response as WerkzeugResponse

from federation import VerificationError, build, nodeinfo, verify_request, webfinger
from federation.errors import ParseError
from federation.origin import InvalidOrigin, parse_domain
from node import __version__, clock, iris
from node.fed import actors, publish_calls, publish_places
from node.fed.collections import collection_response, outbox_page
from node.fed.inbox import http_request, problem, receive
from node.fed.jsonld import (
    CONTEXT_MAX_AGE,
    CONTEXT_MEDIA_TYPE,
    CONTEXT_PATH,
    context_body,
    localize,
)
from node.fed.negotiation import (
    AP_MEDIA_TYPE,
    prefers_html,
    signed_get_refusal,
    wants_activity_json,
)
from node.fed.outbox import follower_count
from node.fed.publish_visits import visit_object
from node.fed.remote import DomainBlocked, key_resolver
from node.fed.serializers import action_object
from node.fed.stats import usage
from node.http_state import current_node
from node.models import (
    LOCAL_SOURCE,
    Action,
    Association,
    AssociationStatus,
    Call,
    Member,
    OutboxActivity,
    Partnership,
    PartnershipStatus,
    Place,
    Visit,
)
from node.services.federation_policy import domain_of
from node.services.network import METADATA_KEY, local_figures
from node.state import NodeState

blueprint = Blueprint("federation", __name__)

FEP_2677_REL = "https://www.w3.org/ns/activitystreams#Application"


def ap_json(document: dict[str, Any], status: int = 200) -> Response:
    """An ActivityStreams document, naming this node's own JSON-LD context (node.fed.jsonld)."""
    body = localize(document, current_node().settings)
    return Response(json.dumps(body, ensure_ascii=False), status=status, content_type=AP_MEDIA_TYPE)


def _json(document: dict[str, Any], content_type: str = "application/json") -> Response:
    return Response(json.dumps(document, ensure_ascii=False), content_type=content_type)


# --- discovery -------------------------------------------------------------------------------


@blueprint.get(CONTEXT_PATH)
async def entraide_context() -> Response:
    """The Entraide JSON-LD context, for JSON-LD processors (cached a day, readable by any
    origin: JSON-LD tools in browsers fetch contexts with CORS)."""
    body, etag = context_body()
    headers = {
        "Cache-Control": f"public, max-age={CONTEXT_MAX_AGE}",
        "ETag": etag,
        "Access-Control-Allow-Origin": "*",
    }
    if etag in request.headers.get("If-None-Match", ""):
        return Response("", status=304, headers=headers)
    return Response(body, content_type=CONTEXT_MEDIA_TYPE, headers=headers)


@blueprint.get("/.well-known/webfinger")
async def webfinger_route() -> Response:
    node = current_node()
    resource = request.args.get("resource", "")
    actor_iri = await _webfinger_actor(node, resource)
    if actor_iri is None:
        return problem(404, f"No actor for {resource!r} on this node.")
    subject = resource if resource.startswith("acct:") else f"acct:{resource}"
    if resource.startswith(("http://", "https://")):
        subject = resource
    jrd = webfinger.jrd(subject, actor_iri)
    return _json(jrd, webfinger.JRD_MEDIA_TYPE)


async def _webfinger_actor(node: NodeState, resource: str) -> str | None:
    s = node.settings
    if resource.startswith(("http://", "https://")):
        return resource if await actors.local_actor_exists(node, resource) else None
    try:
        user, host = webfinger.parse_acct(resource)
    except ParseError:
        return None
    # Hosts and user names are case-insensitive (RFC 7565 §7; Mastodon and GoToSocial look
    # accounts up ignoring case), and the host is compared in its normal form.
    if not _names_this_node(host, s.domain):
        return None
    if _names_this_node(user, s.domain):  # FEP-d556: acct:HOST@HOST is the instance actor
        return iris.instance_actor_iri(s)
    association = await Association.get_or_none(
        slug__iexact=user, status=AssociationStatus.APPROVED
    )
    if association is not None:
        return iris.association_actor_iri(s, association.id)
    member = await actors.member_by_username(user)
    if member is not None:  # Mastodon checks a Person's acct: by WebFinger before showing it
        return iris.member_actor_iri(s, member.id)
    return None


def _names_this_node(text: str, domain: str) -> bool:
    try:
        return parse_domain(text).domain == domain
    except InvalidOrigin:
        return False


@blueprint.get("/.well-known/nodeinfo")
async def nodeinfo_links() -> Response:
    s = current_node().settings
    body = nodeinfo.well_known(s.base_url)
    body["links"].append({"rel": FEP_2677_REL, "href": iris.instance_actor_iri(s)})  # FEP-2677
    return _json(body)


@blueprint.get(nodeinfo.NODEINFO_PATH)
async def nodeinfo_document() -> Response:

    s = current_node().settings
    counts = await usage()
    figures = await local_figures(clock.now())
    body = nodeinfo.document(
        open_registrations=True,
        users_total=counts["users"],
        users_active_month=counts["active_month"],
        users_active_halfyear=counts["active_halfyear"],
        local_posts=counts["posts"],
        node_name=s.node_name,
        version=__version__,
        metadata={
            "nodeKind": actors.NODE_KINDS[s.node_kind].value,  # the actor's word, too
            "area": {"lat": s.area_lat, "lon": s.area_lon, "radiusKm": s.area_radius_km},
            "partnerships": True,
            "instanceActor": iris.instance_actor_iri(s),
            METADATA_KEY: figures.as_metadata(),  # counts only: members by kind, actions, rounds
        },
    )
    return Response(
        json.dumps(body),
        content_type=f'application/json; profile="{nodeinfo.SCHEMA_21}#"',
    )


@blueprint.get("/.well-known/host-meta")
async def host_meta() -> Response:
    base = current_node().settings.base_url
    return Response(webfinger.host_meta_xml(base), content_type="application/xrd+xml")


# --- actors ----------------------------------------------------------------------------------


@blueprint.get("/actor")
async def instance_actor() -> Response | WerkzeugResponse:
    """The instance actor has no page of its own: a browser (``text/html`` preferred) goes to
    the home page; everyone else, ``application/json`` and ``*/*`` included, gets the actor."""
    node = current_node()
    if not wants_activity_json() and prefers_html():
        return redirect("/")
    return ap_json(actors.instance_actor(node))


async def _actor_document(node: NodeState, kind: str, ident: UUID) -> dict[str, Any] | None:
    if kind == "associations":
        association = await actors.association_is_federated(ident)
        return actors.association_actor(node, association) if association else None
    member = await actors.member_is_federated(ident)
    return actors.member_actor(node, member) if member else None


async def _local_actor_iri(node: NodeState, kind: str, ident: UUID) -> str | None:
    if kind == "associations":
        found = await actors.association_is_federated(ident) is not None
    else:
        found = await actors.member_is_federated(ident) is not None
    return f"{node.settings.base_url}/{kind}/{ident}" if found else None


# --- inboxes ---------------------------------------------------------------------------------


@blueprint.post("/inbox")
async def shared_inbox() -> Response:
    return await receive(current_node())


@blueprint.post("/actor/inbox")
async def instance_inbox() -> Response:
    return await receive(current_node())


@blueprint.post("/<any(associations, members):kind>/<uuid:ident>/inbox")
async def actor_inbox(kind: str, ident: UUID) -> Response:
    node = current_node()
    if await _local_actor_iri(node, kind, ident) is None:
        return problem(404, "No such actor.")
    return await receive(node)


# --- collections -----------------------------------------------------------------------------


@blueprint.get("/actor/<any(outbox, followers, following):what>")
async def instance_collection(what: str) -> Response:
    node = current_node()
    refusal = await signed_get_refusal(node)
    if refusal is not None:
        return refusal
    return await _collection(node, iris.instance_actor_iri(node.settings), what)


@blueprint.get(
    "/<any(associations, members):kind>/<uuid:ident>/<any(outbox, followers, following):what>"
)
async def actor_collection(kind: str, ident: UUID, what: str) -> Response:
    node = current_node()
    refusal = await signed_get_refusal(node)
    if refusal is not None:
        return refusal
    actor_iri = await _local_actor_iri(node, kind, ident)
    if actor_iri is None:
        return problem(404, "No such actor.")
    return await _collection(node, actor_iri, what)


async def _collection(node: NodeState, actor_iri: str, what: str) -> Response:
    collection_iri = f"{actor_iri}/{what}"
    if what == "outbox":
        page = request.args.get("page", type=int)
        # The instance actor's outbox is the node's public feed: every public activity sent
        # from this node (its followers receive all of them), so its totalItems counts them.
        whole_node = actor_iri == iris.instance_actor_iri(node.settings)
        prefix = node.settings.base_url + "/" if whole_node else None
        return ap_json(await outbox_page(collection_iri, actor_iri, page, actor_prefix=prefix))
    # Followers: the count only; remote accounts are not listed (DESIGN §5 spirit).
    total = await follower_count(actor_iri) if what == "followers" else 0
    return ap_json(collection_response(collection_iri, total))


# --- dereferencing ---------------------------------------------------------------------------


@blueprint.get("/activities/<ident>")
async def activity_document(ident: str) -> Response:
    node = current_node()
    refusal = await signed_get_refusal(node)
    if refusal is not None:
        return refusal
    ap_id = f"{node.settings.base_url}/activities/{ident}"
    activity = await OutboxActivity.get_or_none(ap_id=ap_id, public=True)
    if activity is None:
        return problem(404, "No such public activity.")
    return ap_json(activity.body)


@blueprint.get("/visits/<uuid:ident>")
async def visit_document(ident: UUID) -> Response:
    """A local outreach visit: its coarse fields, only for a signed GET from a partner node
    sharing ``outreach`` (401 unsigned; 404 for any other signer, so that nobody else learns
    whether it exists). Partners' visits stored here are not served again."""
    from federation.vocab import PartnershipScope

    node = current_node()
    try:
        verified = await verify_request(http_request(b""), key_resolver(node), now=clock.now())
    except VerificationError as exc:
        return problem(401, f"Signed GET required: {exc}", exc.reason)
    except DomainBlocked as exc:
        return problem(403, exc.detail, "domain_blocked")
    partnership = await Partnership.get_or_none(
        active_domain=domain_of(verified.owner), status=PartnershipStatus.ACCEPTED
    )
    visit = await Visit.get_or_none(id=ident, origin=None, association_id__isnull=False)
    if (
        partnership is None
        or PartnershipScope.OUTREACH.value not in partnership.scope_list
        or visit is None
    ):
        return problem(404, "No such visit.")
    return ap_json(build.with_context(visit_object(node, visit, to=[partnership.remote_actor_iri])))


@blueprint.before_app_request
async def negotiate_objects() -> Response | None:
    """``/actions/<id>``, ``/calls/<id>``, ``/guide/<id>``, ``/associations/<id>`` and
    ``/members/<id>`` serve HTML (web pages) or, for ``Accept: application/activity+json`` /
    ``application/ld+json; profile=…``, JSON."""
    if request.method not in ("GET", "HEAD"):
        return None
    parts = request.path.strip("/").split("/")
    if len(parts) != 2 or parts[0] not in ("actions", "calls", "associations", "members", "guide"):
        return None
    try:
        ident = UUID(parts[1])
    except ValueError:
        return None
    if not wants_activity_json():
        if parts[0] == "members":
            return await _member_html(ident)
        return None  # the web pages answer
    node = current_node()
    refusal = await signed_get_refusal(node)
    if refusal is not None:
        return refusal
    document = await _object_document(node, parts[0], ident)
    if document is None:
        return problem(404, "No such federated object.")
    return ap_json(document)


async def _object_document(node: NodeState, kind: str, ident: UUID) -> dict[str, Any] | None:
    if kind == "guide":  # a place made on this node (public: an organisation's door)
        place = await Place.get_or_none(
            id=ident, origin_domain="", source=LOCAL_SOURCE, hidden_at__isnull=True
        )
        return None if place is None else publish_places.place_object(node, place)
    if kind == "calls":  # a call of this node (public: it is a post); a partner's is theirs
        call = await Call.get_or_none(id=ident, origin_domain=None, hidden_at__isnull=True)
        return None if call is None else await publish_calls.call_object(node, call)
    if kind != "actions":
        return await _actor_document(node, kind, ident)
    # Only what is federated at all: a public action of this node (a remote one is served by
    # its own node; node- or association-only actions never leave it).
    action = await Action.get_or_none(id=ident, origin_domain=None, visibility="public")
    if action is None or action.hidden_at is not None:
        return None
    document: dict[str, Any] | None = await action_object(node, action)
    return document


async def _member_html(ident: UUID) -> Response:
    member: Member | None = await actors.member_is_federated(ident)
    if member is None:
        return problem(404, "No such member.")
    from html import escape

    name = escape(member.display_name)
    return Response(
        f"<!doctype html><meta charset=utf-8><title>{name}</title><h1>{name}</h1>",
        content_type="text/html; charset=utf-8",
    )


def register_federation(app: Quart) -> None:
    """The federation endpoints (the admin API of federation is in node.api)."""
    app.register_blueprint(blueprint)
