"""Words between a call's association and its respondents on partner nodes, on the wire:
private ``Note`` objects in reply to the call, addressed only to the node concerned."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from federation import build
from node import clock
from node.fed.outbox import publish
from node.fed.publish_call_answers import answering_node, origin
from node.fed.publish_calls import author_iri
from node.fed.serializers import paragraphs
from node.iris import call_iri, instance_actor_iri
from node.models import AnswerStatus, Call, CallAnswer, CallMessage, RemoteActor
from node.services.calls.answers import respondent_token

if TYPE_CHECKING:
    from node.state import NodeState


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
        actor = await answering_node(row)
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
            actor = await answering_node(answer) if answer.remote_actor_iri else None
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
        owner = await origin(call)
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
