"""Inbox: partner committees' questions (``Create`` of a ``Question``, FEP-9967 shape) and their
answers to ours (``Create`` of a ``Note`` naming an option, ``inReplyTo`` our question)."""

from __future__ import annotations

from federation import parse as ap
from node.fed.handlers import participations
from node.fed.handlers.context import Ignore, InboxContext
from node.fed.serializers import html_to_text
from node.services.committee import opinions


async def create_question(ctx: InboxContext, activity: ap.Activity) -> None:
    question = activity.embedded_object
    if question is None or question.id is None:
        raise Ignore("the Question is not embedded")
    if (question.owner or ctx.sender.ap_id) != ctx.sender.ap_id:
        raise Ignore("the Question is not the sender's")
    # The dispatch table lets only partners (any scope) this far.
    raw = (question.model_extra or {}).get("oneOf")
    options = [o.get("name") for o in raw if isinstance(o, dict)] if isinstance(raw, list) else []
    created = await opinions.receive_question(
        ctx.node,
        ctx.sender,
        question_iri=question.id,
        title=question.name or "",
        summary=ap_text(question),
        options=[o for o in options if isinstance(o, str)],
        end_time=question.end_time,
    )
    if created is None:
        raise Ignore("not a for/against/abstain question, no committee here, or already asked")


def ap_text(obj: ap.ASObject) -> str:
    return html_to_text(obj.text or "")


async def create_note(ctx: InboxContext, activity: ap.Activity) -> None:
    """An answer to one of our committee's questions, else a chat message (participations)."""
    note = activity.embedded_object
    target = ap.id_of(note.in_reply_to) if note is not None else None
    if note is None or target is None or not await opinions.is_our_question(target):
        await participations.create_note(ctx, activity)
        return
    if (note.owner or ctx.sender.ap_id) != ctx.sender.ap_id:
        raise Ignore("the Note is not the sender's")
    if not await opinions.record_answer(
        ctx.sender, question_iri=target, answer=note.name or "", answer_iri=note.id
    ):
        raise Ignore("not an answer we wait for from this node")
