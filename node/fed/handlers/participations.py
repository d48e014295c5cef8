"""Inbox: people of other nodes answering our actions, answers to our members, and the chat.

* ``Join``/``Offer`` whose object is one of our public actions, from a partner node with the
  ``public_needs`` scope: a remote participation (``Participation.member`` NULL, the actor's IRI
  and name kept), accepted at once with ``auto_accept`` (the ``Accept`` goes back).
* ``Leave``: that participant leaves.
* ``Accept``/``Reject`` of a ``Join`` one of our members sent to a remote action.
* ``Create(Note)`` replying to an action: a chat message, only from someone in that chat and
  only when it is not public.
"""

from __future__ import annotations

from uuid import UUID

from federation import parse as ap
from node import clock
from node.fed.handlers.context import Ignore, InboxContext
from node.fed.iris import is_local
from node.fed.serializers import actor_display_name, html_to_text
from node.models import (
    Action,
    ActionKind,
    Message,
    Participation,
    ParticipationStatus,
    Visibility,
)
from node.services.actions import effective_status
from node.services.inputs.actions import CHAT_MESSAGE, JOIN_MESSAGE

MESSAGE_MAX, BODY_MAX = JOIN_MESSAGE.high, CHAT_MESSAGE.high


async def _local_action(ctx: InboxContext, iri: str | None) -> Action:
    s = ctx.node.settings
    if iri is None or not is_local(s, iri):
        raise Ignore("not one of our actions")
    try:
        action_id = UUID(iri.removeprefix(f"{s.base_url}/actions/"))
    except ValueError as exc:
        raise Ignore("not one of our actions") from exc
    action = await Action.get_or_none(id=action_id, origin_domain__isnull=True)
    if action is None or action.visibility != Visibility.PUBLIC:
        raise Ignore("no such public action")
    return action


def _name(ctx: InboxContext) -> str:
    sender = ctx.sender
    return actor_display_name(sender.name, sender.preferred_username, sender.ap_id)


async def _full(action: Action) -> bool:
    if action.kind != ActionKind.OUTING or action.capacity is None:
        return False
    taken = await Participation.filter(
        action_id=action.id, status=ParticipationStatus.ACCEPTED
    ).count()
    return taken >= action.capacity


async def _join(ctx: InboxContext, activity: ap.Activity) -> None:
    action = await _local_action(ctx, activity.object_id)
    if effective_status(action).value != "open":
        raise Ignore("the action is not open")
    existing = await Participation.get_or_none(
        action_id=action.id, remote_actor_iri=ctx.sender.ap_id
    )
    if existing is not None and existing.status in (
        ParticipationStatus.PENDING,
        ParticipationStatus.ACCEPTED,
    ):
        raise Ignore("already taking part")
    status = ParticipationStatus.PENDING
    if action.auto_accept:
        status = (
            ParticipationStatus.DECLINED if await _full(action) else ParticipationStatus.ACCEPTED
        )
    message = html_to_text(activity.text or "")[:MESSAGE_MAX]
    now = clock.now()
    if existing is not None:
        existing.status, existing.message, existing.ap_id = status, message, ctx.item.activity_id
        existing.remote_name, existing.updated_at = _name(ctx), now
        await existing.save()
        row = existing
    else:
        row = await Participation.create(
            action=action,
            member=None,
            remote_actor_iri=ctx.sender.ap_id,
            remote_name=_name(ctx),
            ap_id=ctx.item.activity_id,
            status=status,
            message=message,
            created_at=now,
            updated_at=now,
        )
    if status != ParticipationStatus.PENDING:
        from node.fed.publish_participations import send_decision

        await send_decision(ctx.node, action, row)


async def join(ctx: InboxContext, activity: ap.Activity) -> None:
    await _join(ctx, activity)


async def offer(ctx: InboxContext, activity: ap.Activity) -> None:
    """An ``Offer`` referring to one of our actions (an answer to a need)."""
    await _join(ctx, activity)


async def leave(ctx: InboxContext, activity: ap.Activity) -> None:
    action = await _local_action(ctx, activity.object_id)
    updated = await Participation.filter(
        action_id=action.id,
        remote_actor_iri=ctx.sender.ap_id,
        status__in=[ParticipationStatus.PENDING, ParticipationStatus.ACCEPTED],
    ).update(status=ParticipationStatus.LEFT, updated_at=clock.now())
    if not updated:
        raise Ignore("not taking part")


async def _answer(ctx: InboxContext, activity: ap.Activity, status: ParticipationStatus) -> None:
    join_id = activity.object_id
    row = (
        await Participation.get_or_none(ap_id=join_id, member_id__isnull=False).select_related(
            "action"
        )
        if join_id
        else None
    )
    if row is None or row.action.origin_domain != ctx.sender.domain:
        raise Ignore("no Join of ours matches")
    if row.status == ParticipationStatus.LEFT:
        raise Ignore("the member has left")
    row.status, row.updated_at = status, clock.now()
    await row.save(update_fields=["status", "updated_at"])


async def accept_join(ctx: InboxContext, activity: ap.Activity) -> None:
    await _answer(ctx, activity, ParticipationStatus.ACCEPTED)


async def reject_join(ctx: InboxContext, activity: ap.Activity) -> None:
    await _answer(ctx, activity, ParticipationStatus.DECLINED)


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
    if is_local(ctx.node.settings, target):
        action = await _local_action(ctx, target)
        allowed = await Participation.exists(
            action_id=action.id,
            remote_actor_iri=ctx.sender.ap_id,
            status=ParticipationStatus.ACCEPTED,
        )
    else:
        remote = await Action.get_or_none(ap_id=target, origin_domain=ctx.sender.domain)
        if remote is None:
            raise Ignore("not a reply to an action we know")
        action = remote
        allowed = await Participation.exists(
            action_id=action.id, member_id__isnull=False, status=ParticipationStatus.ACCEPTED
        )
    if not allowed:
        raise Ignore("the sender is not in this action's chat")
    if await Message.exists(ap_id=note.id):
        raise Ignore("already stored")
    body = html_to_text(note.text or "")[:BODY_MAX]
    if not body:
        raise Ignore("empty message")
    await Message.create(
        action=action,
        author=None,
        remote_actor_iri=ctx.sender.ap_id,
        remote_author_name=_name(ctx),
        ap_id=note.id,
        body=body,
        created_at=clock.now(),
    )
