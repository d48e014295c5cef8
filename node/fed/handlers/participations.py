"""Inbox: people of other nodes answering our actions, answers to our members, and the chat.

* ``Join``/``Offer`` whose object is one of our public actions (the dispatch table asks the
  ``public_needs`` scope): a remote participation (``Participation.member`` NULL, the actor's IRI
  and name kept), let in at once with ``auto_accept`` while there is room; the answer goes back
  through the participation events.
* ``Leave``: that participant leaves.
* ``Accept``/``Reject`` of a ``Join`` one of our members sent to a remote action.
* ``Create(Note)`` replying to an action: a chat message, only from someone in that chat and
  only when it is not public.

Every rule lives in the services (:mod:`node.services.participations`, :mod:`node.services.chat`),
shared with our own members; a refusal there is an ``ignored`` row here, with its reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from uuid import UUID

from federation import parse as ap
from node.errors import Problem
from node.fed.handlers.context import Ignore, InboxContext
from node.fed.serializers import actor_display_name, html_to_text
from node.iris import is_local
from node.services import chat, participations, remote_actions
from node.services.chat import RemoteAuthor
from node.services.participations import RemoteParticipant


@contextmanager
def _refusal_ignored() -> Iterator[None]:
    """A service's refusal (409 full, 404 not taking part, …) ignores the activity, with why."""
    try:
        yield
    except Problem as exc:
        raise Ignore(exc.detail) from exc


def _action_id(ctx: InboxContext, iri: str | None) -> UUID:
    s = ctx.node.settings
    if iri is None or not is_local(s, iri):
        raise Ignore("not one of our actions")
    try:
        return UUID(iri.removeprefix(f"{s.base_url}/actions/"))
    except ValueError as exc:
        raise Ignore("not one of our actions") from exc


def _name(ctx: InboxContext) -> str:
    sender = ctx.sender
    return actor_display_name(sender.name, sender.preferred_username, sender.ap_id)


async def join(ctx: InboxContext, activity: ap.Activity) -> None:
    who = RemoteParticipant(ctx.sender.ap_id, _name(ctx), ctx.item.activity_id)
    action_id = _action_id(ctx, activity.object_id)
    with _refusal_ignored():
        # Let in or refused at once: federation tells them (ParticipationAsked).
        await participations.join_remote(
            ctx.node, action_id, who, html_to_text(activity.text or "")
        )


async def offer(ctx: InboxContext, activity: ap.Activity) -> None:
    """An ``Offer`` referring to one of our actions (an answer to a need)."""
    await join(ctx, activity)


async def leave(ctx: InboxContext, activity: ap.Activity) -> None:
    action_id = _action_id(ctx, activity.object_id)
    with _refusal_ignored():
        await participations.leave_remote(ctx.node, action_id, ctx.sender.ap_id)


async def _answer(ctx: InboxContext, activity: ap.Activity, *, accepted: bool) -> None:
    if activity.object_id is None:
        raise Ignore("no Join of ours matches")
    with _refusal_ignored():
        await participations.remote_answer(
            ctx.node, activity.object_id, origin=ctx.sender.domain, accepted=accepted
        )


async def accept_join(ctx: InboxContext, activity: ap.Activity) -> None:
    await _answer(ctx, activity, accepted=True)


async def reject_join(ctx: InboxContext, activity: ap.Activity) -> None:
    await _answer(ctx, activity, accepted=False)


async def create_note(ctx: InboxContext, activity: ap.Activity) -> None:
    note = activity.embedded_object
    if note is None or note.id is None:
        raise Ignore("the Note is not embedded")
    if note.is_public:
        raise Ignore("chat messages are private: a public Note is not one")
    if (note.owner or ctx.sender.ap_id) != ctx.sender.ap_id:
        raise Ignore("the Note is not the sender's")
    target = ap.id_of(note.in_reply_to)
    if target is None:
        raise Ignore("not a reply to an action")
    with _refusal_ignored():
        if is_local(ctx.node.settings, target):
            action = await participations.local_public_action(_action_id(ctx, target))
        else:
            found = await remote_actions.remote_action_by_iri(target)
            if found is None:
                raise Ignore("not a reply to an action we know")
            action = found
        author = RemoteAuthor(ctx.sender.ap_id, _name(ctx), ctx.sender.domain)
        await chat.post_remote_message(
            ctx.node, action, author, ap_id=note.id, body=html_to_text(note.text or "")
        )
