"""Calls for help on the wire.

A local call travels as ``Create`` (then ``Update`` on every change: words, dates, quantities,
status) from its association's actor (an urgent call without an association: from the instance
actor) to the partners whose partnership has the ``calls`` scope and to the followers of that
actor (any fediverse account). The object is ``["Call", "Event"]`` for volunteers (Mastodon shows
an ``Event`` as a post with its name and link, Mobilizon as an event) and ``["Call", "Note"]``
for donations and urgent calls; ``content`` is readable on its own, and Entraide partners read
the context terms ``callKind``, ``callStatus``, ``audienceResolution``, ``audienceCells`` (H3)
and ``callItems`` (``wanted``, ``remaining``).

A member of this node answering a partner's call: ``Join`` (volunteers) or ``Offer`` of
FEP-0837 ``Intent`` objects (donations, one per item with its ``resourceQuantity``), sent by our
instance actor to the call's association. The member is named by pseudonym and by a per-call
``respondent`` token (an HMAC of the node secret): never their account, phone, email or place.
Withdrawal is ``Undo`` of that activity.

The call's node answers every such answer: ``Accept`` (counted) or ``Reject`` (not counted:
``summary`` for people, ``refusalReason`` for Entraide partners), from the call's actor to the
answering node's instance actor.
"""

from __future__ import annotations

import html
from datetime import datetime
from typing import TYPE_CHECKING, Any

from federation import build, objects
from federation.vocab import PUBLIC, PartnershipScope
from node import clock
from node.fed.outbox import followers, publish
from node.fed.serializers import paragraphs
from node.iris import (
    association_actor_iri,
    call_iri,
    followers_iri,
    instance_actor_iri,
    new_activity_iri,
)
from node.models import (
    AnswerStatus,
    Call,
    CallAnswer,
    CallItem,
    CallKind,
    CallMessage,
    CallPledge,
    RemoteActor,
)
from node.services.calls.answers import respondent_token
from node.services.calls.audience import call_cells
from node.services.calls.reading import effective_status, items_of
from node.services.calls.recurrence import next_dates
from node.services.partnerships import partners_with_scope

if TYPE_CHECKING:
    from node.state import NodeState

CALLS = PartnershipScope.CALLS.value
_KIND_FR = {
    CallKind.VOLUNTEERS: "Appel à bénévoles",
    CallKind.DONATIONS: "Appel aux dons",
    CallKind.URGENT: "Alerte",
}


def author_iri(node: NodeState, call: Call) -> str:
    association_id = call.association_id  # type: ignore[attr-defined]
    if association_id is None:
        return instance_actor_iri(node.settings)
    return association_actor_iri(node.settings, association_id)


def item_iri(node: NodeState, call: Call, item: CallItem) -> str:
    return f"{call_iri(node.settings, call.id)}#item-{item.id}"


async def audience(node: NodeState, call: Call) -> list[RemoteActor]:
    actors = await followers(author_iri(node, call))
    actors += await partners_with_scope(CALLS)
    unique: dict[str, RemoteActor] = {}
    for actor in actors:
        unique.setdefault(actor.ap_id, actor)
    return list(unique.values())


def _content(node: NodeState, call: Call, items: list[CallItem], iri: str) -> str:
    """What Mastodon shows: the title, the text, what is still needed, where, a link."""
    parts = [f"<p><strong>{html.escape(call.title)}</strong></p>", paragraphs(call.body)]
    if call.kind == CallKind.DONATIONS and items:
        lines = "".join(
            f"<li>{html.escape(i.label)} : {i.remaining} sur {i.wanted}</li>" for i in items
        )
        parts.append(f"<ul>{lines}</ul>")
    elif call.kind == CallKind.VOLUNTEERS and items:
        parts.append(
            f"<p>{items[0].remaining} personne(s) encore attendue(s) sur {items[0].wanted}</p>"
        )
    where = " · ".join(x for x in (call.place_name, call.opening_hours) if x)
    if where:
        parts.append(f"<p>{html.escape(where)}</p>")
    meta = f"{_KIND_FR[CallKind(call.kind)]} — sur {node.settings.node_name}"
    parts.append(f'<p>{html.escape(meta)} · <a href="{html.escape(iri)}">répondre</a></p>')
    return "".join(parts)


async def call_object(node: NodeState, call: Call, *, edited: bool = False) -> dict[str, Any]:
    if call.origin_domain is not None:
        raise ValueError("a partner's call is served by its own node")
    iri = call_iri(node.settings, call.id)
    items = await items_of(call)
    kind = CallKind(call.kind)
    second = "Event" if kind == CallKind.VOLUNTEERS else "Note"
    obj: dict[str, Any] = {
        "id": iri,
        "type": ["Call", second],
        "attributedTo": author_iri(node, call),
        "name": call.title,
        "content": _content(node, call, items, iri),
        "url": iri,
        "published": build.iso(call.created_at),
        "endTime": build.iso(call.ends_at),
        "callKind": kind.value,
        "callStatus": effective_status(call).value,
        "audienceResolution": call.resolution,
        "audienceCells": await call_cells(call),
        "callItems": [
            {
                "id": item_iri(node, call, item),
                "type": "CallItem",
                "name": item.label,
                "wanted": item.wanted,
                "remaining": item.remaining,
            }
            for item in items
        ],
        "to": [PUBLIC],
        "cc": [followers_iri(author_iri(node, call))],
    }
    if call.starts_at is not None:
        obj["startTime"] = build.iso(call.starts_at)
    if call.recurrence is not None:
        # AS2 has no recurrence: startTime is the next date (what Mastodon and Mobilizon
        # show), and our ``recurrence`` term carries the rule with the first date as DTSTART.
        upcoming = next_dates(call, node.settings.timezone, limit=1)
        if upcoming:
            obj["startTime"] = build.iso(upcoming[0])
        if call.starts_at is not None:
            first = call.starts_at.strftime("%Y%m%dT%H%M%SZ")
            obj["recurrence"] = f"DTSTART:{first}\nRRULE:{call.recurrence}"
    if call.place_name:
        # The association's place, in words only (no coordinates travel with a call).
        obj["location"] = objects.place(name=call.place_name)
    if edited:
        obj["updated"] = build.iso(call.updated_at, milliseconds=True)
    return build.with_context(obj)


async def publish_call(node: NodeState, call: Call, *, update: bool) -> None:
    if call.origin_domain is not None or call.hidden_at is not None:
        return  # a partner's call is theirs to publish; a hidden one was deleted for partners
    obj = await call_object(node, call, edited=update)
    make = build.update if update else build.create
    activity = make(
        id=new_activity_iri(node.settings),
        actor=author_iri(node, call),
        object=obj,
        to=[PUBLIC],
        cc=obj["cc"],
    )
    await publish(node, activity, to=await audience(node, call), public=True)


def answer_id(node: NodeState, call: Call, answer: CallAnswer) -> str:
    return f"{call_iri(node.settings, call.id)}/answers/{answer.id}"


async def _origin(call: Call) -> RemoteActor | None:
    return await RemoteActor.get_or_none(ap_id=call.remote_association_iri)


async def send_answer(node: NodeState, call: Call, answer: CallAnswer) -> None:
    """Our member answered a partner's call: tell the call's association."""
    owner = await _origin(call)
    if owner is None or call.remote_iri is None:
        return
    await answer.fetch_related("member")
    common: dict[str, Any] = {
        "respondent": respondent_token(node, call, answer),
        "respondentName": answer.name,
    }
    me = instance_actor_iri(node.settings)
    if call.kind == CallKind.VOLUNTEERS:
        activity = build.activity(
            "Join",
            id=answer_id(node, call, answer),
            actor=me,
            object={"id": call.remote_iri, "type": "Call"},
            to=[owner.ap_id],
        )
    else:
        intents = []
        for pledge in await CallPledge.filter(answer_id=answer.id).select_related("item"):
            intents.append(
                {
                    "type": "Intent",
                    "action": "transfer",
                    "resourceConformsTo": pledge.item.remote_iri,
                    "resourceQuantity": {"hasNumericalValue": pledge.quantity, "hasUnit": "one"},
                }
            )
        activity = build.activity(
            "Offer",
            id=answer_id(node, call, answer),
            actor=me,
            object=intents,
            target=call.remote_iri,
            to=[owner.ap_id],
        )
    activity.update(common)
    await publish(node, activity, to=[owner])


async def send_withdrawal(node: NodeState, call: Call, answer: CallAnswer) -> None:
    owner = await _origin(call)
    if owner is None or call.remote_iri is None:
        return
    me = instance_actor_iri(node.settings)
    kind = "Join" if call.kind == CallKind.VOLUNTEERS else "Offer"
    undone: dict[str, Any] = {"id": answer_id(node, call, answer), "type": kind, "actor": me}
    undone["object" if kind == "Join" else "target"] = call.remote_iri
    activity = build.undo(
        id=new_activity_iri(node.settings), actor=me, object=undone, to=[owner.ap_id]
    )
    await publish(node, activity, to=[owner])


# What a ``Reject`` of an answer says to people (``summary``), by ``refusalReason``: in French,
# like the rest of what this node publishes; an Entraide partner words it from the code.
REFUSAL_SUMMARY = {
    "full": "L'appel est complet : merci, assez de monde a répondu.",
    "closed": "L'appel est terminé.",
    "over": "C'est plus que ce qui manque encore.",
    "duplicate": "Cette personne a déjà répondu à l'appel.",
    "invalid": "Cette réponse ne correspond pas à l'appel.",
}


async def _answering_node(answer: CallAnswer) -> RemoteActor | None:
    """The instance actor that sent a partner's answer (its key: ``{actor}#{token}``)."""
    actor_iri = (answer.remote_actor_iri or "").split("#", 1)[0]
    return await RemoteActor.get_or_none(ap_id=actor_iri) if actor_iri else None


async def send_decision(node: NodeState, call: Call, answer: CallAnswer) -> None:
    """Tell the node of a partner's member whether our call counted their answer: ``Accept``,
    or ``Reject`` with the reason. The answer is embedded by id, type and actor (Mastodon
    reads an embedded object; GoToSocial matches the id)."""
    to = await _answering_node(answer)
    if to is None or answer.activity_id is None:
        return
    kind = "Join" if call.kind == CallKind.VOLUNTEERS else "Offer"
    answered = {"id": answer.activity_id, "type": kind, "actor": to.ap_id}
    me = author_iri(node, call)
    if answer.status == AnswerStatus.REFUSED:
        reason = answer.refusal or "invalid"
        activity = build.reject(
            id=new_activity_iri(node.settings), actor=me, object=answered, to=[to.ap_id]
        )
        activity["summary"] = REFUSAL_SUMMARY.get(reason, REFUSAL_SUMMARY["invalid"])
        activity["refusalReason"] = reason
    else:
        activity = build.accept(
            id=new_activity_iri(node.settings), actor=me, object=answered, to=[to.ap_id]
        )
    await publish(node, activity, to=[to])


async def publish_deletion(node: NodeState, call: Call) -> None:
    """Our call is deleted: a ``Delete`` of its ``Tombstone`` to the audience it went to."""
    if call.origin_domain is None:
        former = "Event" if call.kind == CallKind.VOLUNTEERS else "Note"
        author = author_iri(node, call)
        activity = build.delete(
            id=new_activity_iri(node.settings),
            actor=author,
            object=objects.tombstone(
                id=call_iri(node.settings, call.id), former_type=former, deleted=clock.now()
            ),
            to=[PUBLIC],
            cc=[followers_iri(author)],
        )
        await publish(node, activity, to=await audience(node, call), public=True)


def message_iri(node: NodeState, call: Call, message: CallMessage) -> str:
    return f"{call_iri(node.settings, call.id)}/messages/{message.id}"


def _note(
    node: NodeState,
    call: Call,
    message: CallMessage,
    *,
    actor: str,
    in_reply_to: str,
    to: str,
    extra: dict[str, Any],
) -> dict[str, Any]:
    """A private Note (only ``to``, never public) in reply to the call."""
    return _private_note(
        message_iri(node, call, message),
        message.body,
        message.created_at,
        actor=actor,
        in_reply_to=in_reply_to,
        to=to,
        extra=extra,
    )


def _private_note(
    iri: str,
    body: str,
    written: datetime,
    *,
    actor: str,
    in_reply_to: str,
    to: str,
    extra: dict[str, Any],
) -> dict[str, Any]:
    note = {
        "id": iri,
        "type": "Note",
        "attributedTo": actor,
        "inReplyTo": in_reply_to,
        "content": paragraphs(body),
        "published": build.iso(written, milliseconds=True),
        "to": [to],
        **extra,
    }
    return build.create(id=f"{note['id']}/activity", actor=actor, object=note, to=[to])


async def _respondent_nodes(call: Call) -> list[RemoteActor]:
    """The partner nodes (instance actors) with active respondents on our call."""
    nodes: dict[str, RemoteActor] = {}
    rows = await CallAnswer.filter(
        call_id=call.id, status=AnswerStatus.ACTIVE, remote_actor_iri__isnull=False
    )
    for row in rows:
        actor = await _answering_node(row)
        if actor is not None:
            nodes.setdefault(actor.ap_id, actor)
    return list(nodes.values())


async def send_thanks(node: NodeState, call: Call, message: str) -> None:
    """Our association thanks everyone at once: respondents on partner nodes too, as a word
    to all of them (its id is the call's one thank-you)."""
    if call.origin_domain is not None:
        return
    me, iri = author_iri(node, call), call_iri(node.settings, call.id)
    for actor in await _respondent_nodes(call):
        activity = _private_note(
            f"{iri}/thanks",
            message,
            call.thanked_at or clock.now(),
            actor=me,
            in_reply_to=iri,
            to=actor.ap_id,
            extra={},
        )
        await publish(node, activity, to=[actor])


async def send_message(node: NodeState, call: Call, message: CallMessage) -> None:
    """Carry a word between a call's association and respondents on partner nodes.

    Our association writes: one Note to each partner node with respondents on the call
    (naming the ``respondent`` token when it is for one of them); the partner shows it to
    its members who answered. Our member writes to a partner's call: a Note from our
    instance actor to the call's association, naming them by token and pseudonym."""
    if message.author_id is None:  # type: ignore[attr-defined]
        return  # it came from another node: never sent back
    if call.origin_domain is None and message.from_association:
        answer_id = message.answer_id  # type: ignore[attr-defined]
        answer = await CallAnswer.get(id=answer_id) if answer_id is not None else None
        if answer is None:
            nodes = await _respondent_nodes(call)
        else:
            actor = await _answering_node(answer) if answer.remote_actor_iri else None
            nodes = [actor] if actor is not None else []
        me = author_iri(node, call)
        for actor in nodes:
            extra: dict[str, Any] = {}
            if answer is not None and answer.remote_actor_iri:
                extra["respondent"] = answer.remote_actor_iri.split("#", 1)[1]
            activity = _note(
                node,
                call,
                message,
                actor=me,
                in_reply_to=call_iri(node.settings, call.id),
                to=actor.ap_id,
                extra=extra,
            )
            await publish(node, activity, to=[actor])
    elif call.origin_domain is not None and not message.from_association:
        owner = await _origin(call)
        if owner is None or call.remote_iri is None:
            return
        answer = await CallAnswer.get(id=message.answer_id)  # type: ignore[attr-defined]
        activity = _note(
            node,
            call,
            message,
            actor=instance_actor_iri(node.settings),
            in_reply_to=call.remote_iri,
            to=owner.ap_id,
            extra={
                "respondent": respondent_token(node, call, answer),
                "respondentName": message.author_name,
            },
        )
        await publish(node, activity, to=[owner])
