"""Receiving: the inbox pipeline, each step answering with its own status (issue 4, item 2).

1. body larger than the cap → 413 (before reading past the cap)
2. content type not ``application/activity+json`` / ``application/ld+json`` → 415
3. HTTP signature checked before anything is stored → 401 with the reason
   (a key of a blocked domain is refused with 403 without being fetched; a deleted account's
   ``Delete`` of itself whose key is gone, from an actor never stored here → 202, dropped)
4. sender's domain blocked, or not admitted in allowlist mode → 403
   (blocks, policy, partners and keys come from the node's short-lived cache, node.caches)
5. the activity's ``actor`` must own the signing key → 401
6. an activity id already received → 202, no second effect
7. stored as an :class:`InboxItem` → 202; the worker runs the handler.
"""

from __future__ import annotations

import json
from typing import Any

from quart import Response, request

from federation import Headers, HttpRequest, VerificationError, jsonbounds, verify_request
from federation.errors import KeyUnavailable, ParseError
from federation.jsonbounds import JsonTooComplex
from federation.origin import InvalidOrigin
from federation.parse import id_of, parse_activity
from node import clock, sql
from node.errors import PROBLEM_JSON, problem_body
from node.fed.remote import DomainBlocked, key_resolver
from node.models import RemoteActor
from node.services.federation_policy import admits, domain_of
from node.state import NodeState

AP_TYPES = ("application/activity+json", "application/ld+json")


def problem(status: int, detail: str, reason: str | None = None) -> Response:
    body = problem_body(status, detail)
    if reason:
        body["reason"] = reason
    return Response(json.dumps(body), status=status, content_type=PROBLEM_JSON)


def http_request(body: bytes) -> HttpRequest:
    """The Quart request as the library's framework-neutral request (raw, still encoded path)."""
    raw_path = request.scope.get("raw_path") or request.path.encode()
    query = request.scope.get("query_string", b"")
    target = raw_path.decode("ascii") + (f"?{query.decode('ascii')}" if query else "")
    return HttpRequest(
        method=request.method,
        target=target,
        headers=Headers(request.headers.items()),
        body=body,
        scheme=request.scheme,
    )


def _on_domain(iri: str, domain: str) -> bool:
    try:
        return domain_of(iri) == domain
    except InvalidOrigin:
        return False


async def _farewell_of_unknown_actor(body: bytes) -> bool:
    """A ``Delete`` (or ``Update``) of an actor by itself whose key cannot be fetched, from an
    actor this node never stored: a deleted account's farewell (its key went with it) that
    concerns nothing here. Answered 202 and dropped, as Mastodon's inbox does
    (``skip_unknown_actor_activity``), so its server does not retry for days."""
    try:
        data = jsonbounds.loads(body)
    except ParseError:
        return False
    if not isinstance(data, dict) or data.get("type") not in ("Delete", "Update"):
        return False
    actor = data.get("actor")
    if not isinstance(actor, str) or actor != id_of(data.get("object")):
        return False
    return not await RemoteActor.exists(ap_id=actor)


def _has_nul(value: Any) -> bool:
    """Whether a NUL character is in any key or string of ``value`` (already bounded in depth
    and size by :mod:`federation.jsonbounds`)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def ap_content_type(value: str | None) -> bool:
    media = (value or "").split(";", 1)[0].strip().lower()
    return media in AP_TYPES


async def receive(node: NodeState) -> Response:
    cap = node.settings.max_body_bytes
    length = request.content_length
    if length is not None and length > cap:
        return problem(413, f"The body is larger than {cap} bytes.")
    if not ap_content_type(request.headers.get("Content-Type")):
        return problem(415, "Send application/activity+json or application/ld+json.")
    body = await request.get_data(cache=False, as_text=False)  # Quart enforces the cap (413)
    assert isinstance(body, bytes)
    if len(body) > cap:
        return problem(413, f"The body is larger than {cap} bytes.")
    try:
        verified = await verify_request(http_request(body), key_resolver(node), now=clock.now())
    except KeyUnavailable as exc:
        if await _farewell_of_unknown_actor(body):
            return Response("", status=202)
        return problem(exc.status, f"Signature refused: {exc}", exc.reason)
    except VerificationError as exc:
        return problem(exc.status, f"Signature refused: {exc}", exc.reason)
    except DomainBlocked as exc:
        return problem(403, exc.detail, "domain_blocked")
    sender_domain = domain_of(verified.owner)
    if not await admits(sender_domain):
        return problem(403, f"{sender_domain} is not accepted by this node.", "domain_refused")
    try:
        data: Any = jsonbounds.loads(body)
    except JsonTooComplex as exc:
        return problem(400, f"The JSON document is too complex: {exc}", "json_too_complex")
    except ParseError as exc:
        return problem(400, f"Not an ActivityStreams activity: {exc}", "malformed_activity")
    if b"\\u0000" in body and _has_nul(data):
        # PostgreSQL cannot store U+0000 in jsonb or text; no real activity carries one.
        return problem(400, "The activity contains a NUL character.", "nul_character")
    try:
        activity = parse_activity(data)
    except (ValueError, ParseError) as exc:
        return problem(400, f"Not an ActivityStreams activity: {exc}", "malformed_activity")
    if activity.actor_id != verified.owner:
        return problem(401, "The activity's actor does not own the signing key.", "actor_mismatch")
    assert activity.id is not None
    if not _on_domain(activity.id, sender_domain):
        return problem(400, "The activity id is not on the actor's origin.", "foreign_id")
    obj = activity.embedded_object
    stored = await sql.insert_inbox_item(
        activity_id=activity.id,
        actor_iri=verified.owner,
        type=(activity.type_name or "")[:40],
        object_type=(obj.type_name or "")[:40] if obj is not None else None,
        body=data,
        raw=body,
        now=clock.now(),
    )
    if stored:  # else idempotent: already received (the unique activity id; no query before)
        node.wake_worker()
    return Response("", status=202)
