"""What members are told about calls for help: a call nearby or from an association they
follow, changes, messages, refusals and thanks."""

from __future__ import annotations

from uuid import UUID

from node.events import (
    CallAnswerRefused,
    CallDeleted,
    CallMessagePosted,
    CallPosted,
    CallThanked,
    CallUpdated,
    MessageHidden,
)
from node.models import (
    AnswerStatus,
    AssociationMembership,
    AssociationRole,
    Call,
    CallAnswer,
    CallKind,
    CallMessage,
    CallStatus,
    Notification,
)
from node.notify.telling import tell
from node.services.calls import audience, follows, limits, remote_follows
from node.state import NodeState

# Changes of a call its respondents are told about.
_CALL_DETAILS = frozenset({"title", "body", "place_name", "opening_hours", "starts_at", "ends_at"})
THANKS_MAX = 140  # the thank-you travels by SMS and push too: keep it one short message


def _call_payload(call: Call, **extra: str) -> dict[str, str]:
    ref = str(call.id)
    return {
        "actor": call.association_name,
        "title": call.title,
        "url": f"/calls/{ref}",
        "ref": ref,
        **extra,
    }


async def _respondents(call: Call) -> list[UUID]:
    ids: list[UUID] = await CallAnswer.filter(
        call_id=call.id, status=AnswerStatus.ACTIVE, member_id__isnull=False
    ).values_list("member_id", flat=True)  # type: ignore[assignment]
    # A member coming on several dates of a repeating call has a row per date: told once.
    return list(dict.fromkeys(ids))


async def call_posted(node: NodeState, event: CallPosted) -> None:
    """Everyone in the area hears of an urgent call at once (quiet hours do not hold it back).
    Other calls: the association's followers always, the other members of the area within
    their weekly allowance (``calls_per_member_week``)."""
    call = event.call
    payload = _call_payload(call)
    author = call.author_id  # type: ignore[attr-defined]
    in_area = [
        member
        for member in await audience.members_in(call.resolution, await audience.call_cells(call))
        if member != author
    ]
    if call.kind == CallKind.URGENT:
        await tell(node, "call_urgent", in_area, None, payload)
        return
    association = call.association_id  # type: ignore[attr-defined]
    followers: set[UUID] = set()
    if association is not None:
        followers.update(await follows.followers(association))
    elif call.remote_association_iri is not None:  # a partner's association, maybe followed
        followers.update(await remote_follows.followers(call.remote_association_iri))
    followers.discard(author)
    await tell(node, "call_followed", sorted(followers), None, payload)
    others = [member for member in in_area if member not in followers]
    allowed = await limits.under_weekly_cap(node.settings, others)
    await tell(node, "call_nearby", allowed, None, payload)


async def call_updated(node: NodeState, event: CallUpdated) -> None:
    call = event.call
    if "status" in event.changed and call.status == CallStatus.CANCELLED:
        kind = "call_cancelled"
    elif event.changed & _CALL_DETAILS:
        kind = "call_changed"
    else:
        return
    await tell(node, kind, await _respondents(call), None, _call_payload(call))


async def call_message_posted(node: NodeState, event: CallMessagePosted) -> None:
    """The association's words reach the respondents they are for (on this node); a
    respondent's reach the association's coordinators (when the call is ours)."""
    call, message = event.call, event.message
    answer_id = message.answer_id  # type: ignore[attr-defined]
    author = message.author_id  # type: ignore[attr-defined]
    payload = _call_payload(call)
    payload["url"] += "#messages"
    if message.from_association:
        if answer_id is None:
            members = await _respondents(call)
        else:
            answer = await CallAnswer.get(id=answer_id)
            member = answer.member_id  # type: ignore[attr-defined]
            members = [member] if member is not None else []
        payload["message"] = _short(message.body)
        await tell(node, "call_message", [m for m in members if m != author], None, payload)
        return
    association = call.association_id  # type: ignore[attr-defined]
    if call.origin_domain is not None or association is None:
        return  # a partner's call: its own node tells its association
    coordinators: list[UUID] = await AssociationMembership.filter(
        association_id=association, role__in=(AssociationRole.ADMIN, AssociationRole.COORDINATOR)
    ).values_list("member_id", flat=True)  # type: ignore[assignment]
    payload["actor"] = message.author_name
    await tell(node, "call_reply", [m for m in coordinators if m != author], None, payload)


async def call_deleted(node: NodeState, event: CallDeleted) -> None:
    """A call its respondents answered is deleted: told as a cancellation (no link: the call
    is gone)."""
    payload = {k: v for k, v in _call_payload(event.call).items() if k != "url"}
    await tell(node, "call_cancelled", await _respondents(event.call), None, payload)


# Why a partner's call did not count an answer (``CallAnswer.refusal``), French and English.
REFUSALS = {
    "full": ("l'appel est complet, merci quand même !", "the call is full, thank you anyway!"),
    "closed": ("l'appel est terminé.", "the call is over."),
    "over": ("c'est plus que ce qui manque encore.", "that is more than is still needed."),
    "duplicate": ("vous aviez déjà répondu.", "you had already answered."),
    "invalid": ("elle ne correspond pas à l'appel.", "it does not fit the call."),
}


async def call_answer_refused(node: NodeState, event: CallAnswerRefused) -> None:
    """Our member's answer to a partner's call was refused there: they are told why."""
    member = event.answer.member_id  # type: ignore[attr-defined]
    if member is None:  # a partner's member: their node tells them
        return
    reason_fr, reason_en = REFUSALS.get(event.answer.refusal or "", REFUSALS["invalid"])
    payload = _call_payload(event.call, reason_fr=reason_fr, reason_en=reason_en)
    await tell(node, "call_answer_refused", [member], None, payload)


def _short(text: str) -> str:
    message = " ".join(text.split())
    if len(message) > THANKS_MAX:
        message = message[: THANKS_MAX - 1].rstrip() + "…"
    return message


async def call_message_hidden(node: NodeState, event: MessageHidden) -> None:
    """A message of a call hidden by the moderators, or taken back by the node it came from:
    the notices that quoted it leave the lists (a restored one does not come back: it was
    news once). They name the call (``ref``) and quote the words, read here rather than queried,
    the JSON operators of SQLite and PostgreSQL differing."""
    message = event.message
    if not event.hidden or not isinstance(message, CallMessage):
        return
    ref, quoted = str(message.call_id), _short(message.body)  # type: ignore[attr-defined]
    rows = await Notification.filter(
        kind="call_message", created_at__gte=message.created_at
    ).values_list("id", "payload")
    gone = [row_id for row_id, p in rows if p.get("ref") == ref and p.get("message") == quoted]
    if gone:
        await Notification.filter(id__in=gone).delete()


async def call_thanked(node: NodeState, event: CallThanked) -> None:
    payload = _call_payload(event.call, message=_short(event.message))
    await tell(node, "call_thanks", await _respondents(event.call), None, payload)
