"""Builders: the JSON-LD documents Entraide sends — actors and activities here, the objects they
carry in :mod:`federation.objects`.

Every builder returns a plain ``dict`` ready for ``json.dumps``. Top-level documents carry
``@context`` (AS2, security v1, Multikey, Entraide); embedded objects do not repeat it. Every
property we emit is defined by one of those contexts, so the documents expand offline without
loss (tested with :func:`federation.context.expand`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from federation.keys import PrivateKey, PublicKey, actor_public_key, multikey
from federation.vocab import (
    DEFAULT_CONTEXT,
    PUBLIC,
    NodeKind,
)

Json = dict[str, Any]
Ref = str | Mapping[str, Any]


def iso(value: dt.datetime, *, milliseconds: bool = False) -> str:
    """RFC 3339 in UTC with a ``Z``, seconds precision (what every server parses), or with
    milliseconds (Mastodon's own ``updated``: ``2024-01-01T10:00:00.123Z``) where two versions
    of an object a second apart must stay in order."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    value = value.astimezone(dt.UTC)
    if milliseconds:
        stamp = value.strftime("%Y-%m-%dT%H:%M:%S")
        return f"{stamp}.{value.microsecond // 1000:03d}Z"
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def with_context(obj: Mapping[str, Any], context: Sequence[str] = DEFAULT_CONTEXT) -> Json:
    return {"@context": list(context), **{k: v for k, v in obj.items() if k != "@context"}}


def _clean(obj: Mapping[str, Any]) -> Json:
    """Drop None and empty lists: absent is how AS2 says "nothing"."""
    return {k: v for k, v in obj.items() if v is not None and v != []}


def _strip(ref: Ref) -> Ref:
    return {k: v for k, v in ref.items() if k != "@context"} if isinstance(ref, Mapping) else ref


# --- actors ----------------------------------------------------------------------------------


def actor(
    *,
    id: str,
    type: str,
    preferred_username: str,
    inbox: str,
    outbox: str,
    followers: str,
    shared_inbox: str,
    key: PublicKey | PrivateKey,
    name: str | None = None,
    summary: str | None = None,
    following: str | None = None,
    url: str | None = None,
    multikeys: Iterable[tuple[str, PublicKey | PrivateKey]] = (),
    manually_approves_followers: bool = False,
    node_kind: NodeKind | None = None,
    published: dt.datetime | None = None,
    icon: Mapping[str, Any] | None = None,
    discoverable: bool | None = None,
) -> Json:
    """An actor document (``Application`` for the node, ``Group``/``Organization``, ``Person``).

    ``key`` becomes ``publicKey`` (``<id>#main-key``); ``multikeys`` are ``(fragment, key)``
    pairs published as FEP-521a ``assertionMethod`` entries; ``icon`` is an AS2 ``Image``
    (:func:`image`), the avatar Mastodon and GoToSocial show.
    """
    return with_context(
        _clean(
            {
                "id": id,
                "type": type,
                "preferredUsername": preferred_username,
                "name": name,
                "summary": summary,
                "url": url or id,
                "inbox": inbox,
                "outbox": outbox,
                "followers": followers,
                "following": following,
                "endpoints": {"sharedInbox": shared_inbox},
                "manuallyApprovesFollowers": manually_approves_followers,
                "publicKey": actor_public_key(id, key),
                "assertionMethod": [multikey(id, k, frag) for frag, k in multikeys],
                "nodeKind": node_kind.value if node_kind else None,
                "published": iso(published) if published else None,
                "icon": dict(icon) if icon else None,
                # Mastodon's toot:discoverable: may the actor be suggested and listed.
                "discoverable": discoverable,
            }
        )
    )


def image(url: str, media_type: str | None = None) -> Json:
    """An AS2 ``Image`` link (an actor's ``icon``)."""
    return _clean({"type": "Image", "url": url, "mediaType": media_type})


# --- activities ------------------------------------------------------------------------------


def activity(
    type: str,
    *,
    id: str,
    actor: str,
    object: Ref | Sequence[Ref],
    to: Sequence[str] = (),
    cc: Sequence[str] = (),
    target: Ref | None = None,
    published: dt.datetime | None = None,
    content: str | None = None,
    context: bool = True,
) -> Json:
    """Any activity. Embedded objects lose their own ``@context``."""
    obj: Any
    obj = _strip(object) if isinstance(object, str | Mapping) else [_strip(o) for o in object]
    doc = _clean(
        {
            "id": id,
            "type": type,
            "actor": actor,
            "object": obj,
            "target": _strip(target) if target is not None else None,
            "content": content,
            "to": list(to),
            "cc": list(cc),
            "published": iso(published) if published else None,
        }
    )
    return with_context(doc) if context else doc


def create(*, id: str, actor: str, object: Mapping[str, Any], **kw: Any) -> Json:
    """``Create``; addressing defaults to the object's own ``to``/``cc``."""
    kw.setdefault("to", object.get("to", []))
    kw.setdefault("cc", object.get("cc", []))
    return activity("Create", id=id, actor=actor, object=object, **kw)


def update(*, id: str, actor: str, object: Mapping[str, Any], **kw: Any) -> Json:
    kw.setdefault("to", object.get("to", []))
    kw.setdefault("cc", object.get("cc", []))
    return activity("Update", id=id, actor=actor, object=object, **kw)


def delete(*, id: str, actor: str, object: Ref, **kw: Any) -> Json:
    """``Delete``; pass a :func:`tombstone` (preferred) or the object's id."""
    kw.setdefault("to", [PUBLIC])
    return activity("Delete", id=id, actor=actor, object=object, **kw)


def follow(*, id: str, actor: str, object: str, **kw: Any) -> Json:
    kw.setdefault("to", [object])
    return activity("Follow", id=id, actor=actor, object=object, **kw)


def accept(
    *,
    id: str,
    actor: str,
    object: Mapping[str, Any],
    committee_decision: str | None = None,
    **kw: Any,
) -> Json:
    """``Accept`` of a ``Follow``/``Offer``/``Join``: the accepted activity is embedded, as
    Mastodon needs it (it does not dereference the id). ``committee_decision``: the public
    record of the street committee's decision that made it (``ent:committeeDecision``)."""
    kw.setdefault("to", [object["actor"]] if "actor" in object else [])
    doc = activity("Accept", id=id, actor=actor, object=object, **kw)
    return _with_decision(doc, committee_decision)


def reject(
    *,
    id: str,
    actor: str,
    object: Mapping[str, Any],
    committee_decision: str | None = None,
    **kw: Any,
) -> Json:
    kw.setdefault("to", [object["actor"]] if "actor" in object else [])
    doc = activity("Reject", id=id, actor=actor, object=object, **kw)
    return _with_decision(doc, committee_decision)


def _with_decision(doc: Json, decision: str | None) -> Json:
    if decision is not None:
        doc["committeeDecision"] = decision
    return doc


def undo(*, id: str, actor: str, object: Mapping[str, Any], **kw: Any) -> Json:
    """``Undo`` of an activity we sent before (embedded, for the same reason as ``Accept``)."""
    kw.setdefault("to", object.get("to", []))
    return activity("Undo", id=id, actor=actor, object=object, **kw)


def offer(*, id: str, actor: str, object: Mapping[str, Any], target: str, **kw: Any) -> Json:
    kw.setdefault("to", [target])
    return activity("Offer", id=id, actor=actor, object=object, target=target, **kw)


def join(*, id: str, actor: str, object: str, **kw: Any) -> Json:
    return activity("Join", id=id, actor=actor, object=object, **kw)


def leave(*, id: str, actor: str, object: str, **kw: Any) -> Json:
    return activity("Leave", id=id, actor=actor, object=object, **kw)


def flag(
    *,
    id: str,
    actor: str,
    objects: Sequence[str],
    content: str | None = None,
    to: Sequence[str] = (),
) -> Json:
    """``Flag`` (a moderation report) from the instance actor: the reported actor first, then
    the reported objects, as Mastodon expects."""
    return activity("Flag", id=id, actor=actor, object=list(objects), content=content, to=to)


def announce(*, id: str, actor: str, object: str, **kw: Any) -> Json:
    return activity("Announce", id=id, actor=actor, object=object, **kw)
