"""Talking with a call's respondents through the node, never by phone or email.

The association's coordinators write to every respondent at once, or to one; a respondent
writes back to the association, and only the association reads it (respondents never see
each other's words). A respondent on a partner node is the same conversation carried by
federation: the partner's copy of the call holds the messages its members may read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, Forbidden, NotFound, Unprocessable
from node.events import CallMessagePosted, MessageHidden
from node.models import AnswerStatus, Call, CallAnswer, CallMessage, Member
from node.services import word_list
from node.services.calls.answers import respondent_token
from node.services.calls.reading import can_coordinate, get_call

if TYPE_CHECKING:
    from node.state import NodeState

BODY_MAX = 1000


async def _manages(member: Member, call: Call) -> bool:
    return call.origin_domain is None and await can_coordinate(
        member,
        call.association_id,  # type: ignore[attr-defined]
    )


async def _my_answer(call: Call, member: Member) -> CallAnswer | None:
    # One row per date a member comes on a repeating call: any of them makes a respondent.
    return (
        await CallAnswer.filter(call_id=call.id, member_id=member.id, status=AnswerStatus.ACTIVE)
        .order_by("id")
        .first()
    )


async def _save(node: NodeState, message: CallMessage, call: Call) -> CallMessage:
    async with in_transaction():
        await message.save()
        await node.events.record(node, CallMessagePosted(call=call, message=message))
    return message


async def post(
    node: NodeState,
    member: Member,
    call_id: UUID,
    body: str,
    answer_id: int | None = None,
    *,
    confirmed_screened: bool = False,
) -> CallMessage:
    """A coordinator writes to every respondent (or to the one of ``answer_id``), or a
    respondent writes to the association. 404 no call, 403 anyone else, 409 nobody to write
    to yet, 422 an ``answer_id`` that is not a respondent of the call (or from a respondent),
    or words of the moderators' list until ``confirmed_screened``."""
    call = await get_call(call_id, member)
    now = clock.now()
    if await _manages(member, call):
        to: CallAnswer | None = None
        if answer_id is not None:
            to = await CallAnswer.get_or_none(
                id=answer_id, call_id=call.id, status=AnswerStatus.ACTIVE
            )
            if to is None:
                raise Unprocessable.field("answer_id", "not someone who answered this call")
        elif not await CallAnswer.exists(call_id=call.id, status=AnswerStatus.ACTIVE):
            raise Conflict("Nobody has answered this call yet.")
        await word_list.check_text(body, confirmed_screened)
        message = CallMessage(
            call=call,
            answer=to,
            from_association=True,
            author=member,
            author_name=call.association_name,
            body=body,
            created_at=now,
        )
        return await _save(node, message, call)
    mine = await _my_answer(call, member)
    if mine is None:
        raise Forbidden("Only the call's association and the people who answered it write here.")
    if answer_id is not None:
        raise Unprocessable.field("answer_id", "only the association writes to one respondent")
    await word_list.check_text(body, confirmed_screened)
    message = CallMessage(
        call=call,
        answer=mine,
        from_association=False,
        author=member,
        author_name=member.display_name,
        body=body,
        created_at=now,
    )
    return await _save(node, message, call)


async def conversation(member: Member, call_id: UUID) -> list[CallMessage]:
    """What ``member`` may read: the coordinators, every message of the call; a respondent,
    the association's words to all or to them, and their own. 404 no call, 403 anyone else."""
    call = await get_call(call_id, member)
    query = CallMessage.filter(call_id=call.id)
    if not await _manages(member, call):
        mine = await _my_answer(call, member)
        if mine is None:
            raise Forbidden("Only the call's association and the people who answered it read here.")
        query = query.filter(Q(answer_id=None, from_association=True) | Q(answer_id=mine.id))
    if not member.is_moderator:  # hidden by the moderators: its author alone still reads it
        query = query.filter(Q(hidden_at=None) | Q(author_id=member.id))
    rows: list[CallMessage] = await query.order_by("created_at", "id").select_related("answer")
    return rows


async def can_talk(member: Member | None, call: Call) -> bool:
    if member is None:
        return False
    return await _manages(member, call) or await _my_answer(call, member) is not None


# --- from partner nodes ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RemoteWords:
    """A Note another node sent about a call: its id, its text, and the respondent it is
    for (or from), by their token."""

    ap_id: str
    body: str
    token: str | None = None
    name: str = ""
    # When it was written there: deliveries are not ordered, the conversation is.
    published: datetime | None = None

    def written_at(self) -> datetime:
        now = clock.now()
        return min(self.published, now) if self.published is not None else now


async def from_partner_association(
    node: NodeState, call_iri: str, sender_iri: str, words: RemoteWords
) -> CallMessage:
    """The association of a partner's call writes to our members who answered it: to all of
    them, or to the one whose token it names. Only that association (404 else, or when the
    token is none of our respondents')."""
    call = await Call.get_or_none(remote_iri=call_iri)
    if call is None or call.remote_association_iri != sender_iri:
        raise NotFound("No call of this association here.")
    seen = await CallMessage.get_or_none(ap_id=words.ap_id)
    if seen is not None:
        return seen
    to: CallAnswer | None = None
    if words.token is not None:
        mine = await CallAnswer.filter(
            call_id=call.id, status=AnswerStatus.ACTIVE, member_id__isnull=False
        )
        to = next((a for a in mine if respondent_token(node, call, a) == words.token), None)
        if to is None:
            raise NotFound("No respondent of ours has this token.")
    message = CallMessage(
        call=call,
        answer=to,
        from_association=True,
        author_name=call.association_name,
        body=words.body,
        ap_id=words.ap_id,
        created_at=words.written_at(),
    )
    return await _save(node, message, call)


async def from_partner_respondent(
    node: NodeState, call_id: UUID, sender_iri: str, words: RemoteWords
) -> CallMessage:
    """A partner's member who answered our call writes to the association (404 when the
    sender has no such respondent on the call)."""
    call = await Call.get_or_none(id=call_id).select_related("association")
    if call is None or call.origin_domain is not None:
        raise NotFound("Not one of our calls.")
    answer = (
        await CallAnswer.filter(
            call_id=call.id,
            status=AnswerStatus.ACTIVE,
            remote_actor_iri=f"{sender_iri}#{words.token}",
        )
        .order_by("id")
        .first()
    )
    if words.token is None or answer is None:
        raise NotFound("No respondent of this node has this token.")
    seen = await CallMessage.get_or_none(ap_id=words.ap_id)
    if seen is not None:
        return seen
    message = CallMessage(
        call=call,
        answer=answer,
        from_association=False,
        author_name=answer.name,
        body=words.body,
        ap_id=words.ap_id,
        created_at=words.written_at(),
    )
    return await _save(node, message, call)


async def withdraw_remote_words(node: NodeState, ap_id: str, sender_iri: str) -> bool:
    """A message of a call that a partner node sent and took back (deleted or hidden there):
    our copy goes. Only the actor who sent it may: the call's association for its words, the
    respondent's node for theirs (403 otherwise). False when no message has this id."""
    message = await CallMessage.get_or_none(ap_id=ap_id).select_related("call", "answer")
    if message is None:
        return False
    if message.from_association:
        allowed = message.call.remote_association_iri == sender_iri
    else:
        answer = message.answer
        allowed = answer is not None and (answer.remote_actor_iri or "").startswith(
            f"{sender_iri}#"
        )
    if not allowed:
        raise Forbidden("Only the server that sent this message may delete it.")
    async with in_transaction():
        # Gone as if hidden here: the notices quoting it go too.
        await node.events.record(
            node, MessageHidden(message=message, hidden=True, when=clock.now())
        )
        await message.delete()
    return True
