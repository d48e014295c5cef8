"""Answers to calls on the wire.

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

from typing import TYPE_CHECKING, Any

from federation import build
from node.fed.outbox import publish
from node.fed.publish_calls import author_iri
from node.iris import call_iri, instance_actor_iri, new_activity_iri
from node.models import AnswerStatus, Call, CallAnswer, CallKind, CallPledge, RemoteActor
from node.services.calls.answers import respondent_token

if TYPE_CHECKING:
    from node.state import NodeState


def answer_id(node: NodeState, call: Call, answer: CallAnswer) -> str:
    return f"{call_iri(node.settings, call.id)}/answers/{answer.id}"


async def origin(call: Call) -> RemoteActor | None:
    return await RemoteActor.get_or_none(ap_id=call.remote_association_iri)


async def send_answer(node: NodeState, call: Call, answer: CallAnswer) -> None:
    """Our member answered a partner's call: tell the call's association."""
    owner = await origin(call)
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
        if answer.occurrence is not None:
            # One Join per date of a repeating call: the date it comes on, as an Event's
            # startTime (the call's node counts a Join without it for its next date).
            activity["startTime"] = build.iso(answer.occurrence)
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
    owner = await origin(call)
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


async def answering_node(answer: CallAnswer) -> RemoteActor | None:
    """The instance actor that sent a partner's answer (its key: ``{actor}#{token}``)."""
    actor_iri = (answer.remote_actor_iri or "").split("#", 1)[0]
    return await RemoteActor.get_or_none(ap_id=actor_iri) if actor_iri else None


async def send_decision(node: NodeState, call: Call, answer: CallAnswer) -> None:
    """Tell the node of a partner's member whether our call counted their answer: ``Accept``,
    or ``Reject`` with the reason. The answer is embedded by id, type and actor (Mastodon
    reads an embedded object; GoToSocial matches the id)."""
    to = await answering_node(answer)
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
