"""Inbox: calls for help of partner nodes, and answers of their members to ours.

* ``Create``/``Update`` of a ``Call`` (the dispatch table asks the ``calls`` scope): only from
  the association actor that the call is attributed to, on the sender's own domain, with an
  area of H3 cells inside this node's area; stored and announced like a local call, so our
  members in the area hear of it.
* ``Join`` of a ``Call`` / ``Offer`` of ``Intent`` objects targeting a call (``calls`` scope):
  a partner's member answers one of our calls. Counted once: keyed by the activity id. The
  partner hears the outcome: ``Accept``, or ``Reject`` with the reason (full, closed, more than
  still needed), the refused answer kept so that a second delivery is refused again.
* ``Undo`` of that ``Join``/``Offer``: the answer is withdrawn and the quantities restored.
* ``Delete`` of a partner's call (its ``Tombstone`` or IRI), from its association only: the
  copy goes and our respondents are told; an association actor that deletes itself takes its
  calls along.
* ``Create`` of a private ``Note`` in reply to a call: a partner's respondent writing to one of
  our calls' association (by their token), or a partner's association writing to our members
  who answered its call (all of them, or the one its token names).
* ``Accept``/``Reject`` of our members' answers to a partner's call, from the call's
  association only: confirmed, or refused and the member told.

Other refusals of the services (an unknown call, an area outside ours) mark the row
``ignored`` with their reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from federation import parse as ap
from federation.origin import domain_of
from federation.vocab import PartnershipScope
from node.errors import NotFound, Problem, Unprocessable
from node.fed.handlers import actors, committee, participations, partnerships
from node.fed.handlers.context import Ignore, InboxContext, Transient
from node.fed.serializers import actor_display_name, html_to_text, without_controls
from node.models import CallKind, CallStatus
from node.services import partnerships as partnership_service
from node.services.calls import answers, messages, occurrences, recurrence, remote
from node.services.inputs.calls import MAX_QUANTITY

CALLS = PartnershipScope.CALLS.value
_NAME_MAX = 100


@contextmanager
def _refusal_ignored() -> Iterator[None]:
    try:
        yield
    except Problem as exc:
        raise Ignore(exc.detail) from exc


def _text(value: str | None, limit: int) -> str:
    return " ".join(without_controls(value or "").split())[:limit]


def _remote_call(ctx: InboxContext, obj: ap.ASObject) -> remote.RemoteCall:
    if not isinstance(obj, ap.Call) or obj.id is None:
        raise Ignore("not a call")
    sender = ctx.sender
    # Only the sender's own associations: the object is attributed to the sending actor,
    # and lives on its domain.
    if obj.owner != sender.ap_id or domain_of(obj.id) != sender.domain:
        raise Ignore("a node relays only its own associations' calls")
    try:
        kind = CallKind(obj.call_kind or "")
        status = CallStatus(obj.call_status or "open")
    except ValueError as exc:
        raise Ignore("unknown call kind or status") from exc
    ends_at: datetime | None = obj.end_time
    if ends_at is None:
        raise Ignore("a call has an end")
    items = tuple(
        remote.RemoteItem(
            iri=item.id,
            label=_text(item.name, 120) or "?",
            wanted=min(item.wanted, MAX_QUANTITY),
            remaining=min(item.remaining, item.wanted, MAX_QUANTITY),
        )
        for item in obj.call_items
        if item.id is not None and domain_of(item.id) == sender.domain
    )
    location = obj.location[0] if obj.location else None
    place = location.name if isinstance(location, ap.ASObject) else None
    written = _plain_source(obj)
    body = written if written is not None else html_to_text(obj.text or "")
    starts_at, rule = obj.start_time, None
    if kind == CallKind.VOLUNTEERS and obj.recurrence:
        first, rule = _recurrence(ctx, obj.recurrence, ends_at)
        if rule is not None:
            starts_at = first
    return remote.RemoteCall(
        iri=obj.id,
        origin_domain=sender.domain,
        association_iri=sender.ap_id,
        association_name=actor_display_name(sender.name, sender.preferred_username, sender.ap_id),
        kind=kind,
        status=status,
        title=_text(obj.name, 120) or "Appel",
        body=body[:2000],
        place_name=_text(place, 200),
        starts_at=starts_at,
        ends_at=ends_at,
        recurrence=rule,
        remote_places=_places(obj, items) if rule is not None else None,
        cells=tuple(obj.audience_cells),
        items=items,
        updated=obj.updated or obj.published,
    )


def _places(obj: ap.Call, items: tuple[remote.RemoteItem, ...]) -> dict[str, int] | None:
    """What each coming date still wants (at most the people asked), None when not said."""
    if obj.call_occurrences is None:
        return None
    wanted = items[0].wanted if items else 0
    said = [(o.start_time, o.remaining) for o in obj.call_occurrences]
    return {occurrences.key(d): min(n, wanted) for d, n in said if d is not None}


def _plain_source(obj: ap.ASObject) -> str | None:
    """The text as the association wrote it (ActivityPub §3.3 ``source`` in text/plain), not
    the ``content`` made for fediverse readers (title, quantities and link repeated)."""
    source = (obj.model_extra or {}).get("source")
    if isinstance(source, dict) and source.get("mediaType") == "text/plain":
        text = source.get("content")
        return without_controls(text).strip() if isinstance(text, str) else None
    return None


def _recurrence(
    ctx: InboxContext, text: str, ends_at: datetime
) -> tuple[datetime | None, str | None]:
    """``DTSTART:…`` and ``RRULE:…`` lines → the first date and the rule, checked as a local
    call's would be; a rule we would refuse is dropped (``startTime``, the next date, stays)."""
    lines = dict(line.strip().partition(":")[::2] for line in text.splitlines() if ":" in line)
    try:
        first = datetime.strptime(lines.get("DTSTART", ""), "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        recurrence.occurrences(lines.get("RRULE", ""), first, ends_at, ctx.node.settings.timezone)
        return first, recurrence.normalize(lines.get("RRULE", ""))
    except (ValueError, Problem):
        return None, None


async def create_call(ctx: InboxContext, activity: ap.Activity) -> None:
    obj = activity.embedded_object
    if obj is None:
        raise Ignore("the call is not embedded")
    with _refusal_ignored():
        await remote.receive_call(ctx.node, _remote_call(ctx, obj))


# How many times an Update of a call we do not hold is tried again (about three minutes with the
# retry schedule) before it is left aside: its Create may still be on its way.
UPDATE_BEFORE_CREATE_ATTEMPTS = 4


async def update_call(ctx: InboxContext, activity: ap.Activity) -> None:
    obj = activity.embedded_object
    if obj is None:
        raise Ignore("the call is not embedded")
    data = _remote_call(ctx, obj)
    with _refusal_ignored():
        try:
            await remote.update_call(ctx.node, data)
        except NotFound as exc:
            # Deliveries are not ordered: the Update of a pledge may overtake the Create of
            # the call. It waits for it a little (a late Update after a Delete must not bring
            # a deleted call back, so it never creates one itself).
            if ctx.item.attempts < UPDATE_BEFORE_CREATE_ATTEMPTS:
                raise Transient("the call's Create has not arrived yet") from exc
            raise


def _respondent(ctx: InboxContext, activity: ap.Activity) -> answers.Respondent:
    extra: dict[str, Any] = activity.model_extra or {}
    token, name = extra.get("respondent"), extra.get("respondentName")
    if not isinstance(token, str) or not token.isalnum() or not 8 <= len(token) <= 64:
        raise Ignore("an answer names its respondent with a token")
    if not isinstance(name, str):
        name = ""
    return answers.Respondent(
        actor_iri=f"{ctx.sender.ap_id}#{token}", name=_text(name, _NAME_MAX) or "Membre"
    )


def _quantity(intent: ap.ASObject) -> int:
    extra: dict[str, Any] = intent.model_extra or {}
    quantity = extra.get("resourceQuantity")
    value = quantity.get("hasNumericalValue") if isinstance(quantity, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise Unprocessable.field("pledges", "a pledge has a whole quantity")
    return int(value)


async def join_call(ctx: InboxContext, activity: ap.Activity) -> None:
    """A partner's member comes: counted (``Accept`` goes back) or refused (``Reject``)."""
    s = ctx.node.settings
    assert activity.id is not None
    with _refusal_ignored():
        call_id = remote.local_call_id(s.base_url, activity.object_id)
        who = _respondent(ctx, activity)
        # The date it comes on (a repeating call), as an Event's startTime says when.
        date = activity.start_time
        await remote.answer_from_partner(ctx.node, call_id, who, [], activity.id, date)


def _pledges(ctx: InboxContext, call_id: UUID, activity: ap.Activity) -> list[answers.Pledge]:
    s = ctx.node.settings
    pledges = []
    for intent in activity.object:
        if not isinstance(intent, ap.ASObject):
            raise Unprocessable.field("pledges", "pledges are embedded Intents")
        extra: dict[str, Any] = intent.model_extra or {}
        conforms = extra.get("resourceConformsTo")
        item_id = remote.local_item_id(
            s.base_url, call_id, conforms if isinstance(conforms, str) else None
        )
        pledges.append(answers.Pledge(item_id=item_id, quantity=_quantity(intent)))
    return pledges


async def offer_to_call(ctx: InboxContext, activity: ap.Activity) -> None:
    """A partner's member pledges: counted or refused as a whole; a pledge that does not read
    (an item not in the call, a quantity that is not whole) is refused too, so the member
    hears of it."""
    s = ctx.node.settings
    assert activity.id is not None
    target = ap.id_of(activity.target[0]) if activity.target else None
    with _refusal_ignored():
        call_id = remote.local_call_id(s.base_url, target)
        who = _respondent(ctx, activity)
        pledges: list[answers.Pledge] | Problem
        try:
            pledges = _pledges(ctx, call_id, activity)
        except Problem as exc:
            pledges = exc
        await remote.answer_from_partner(ctx.node, call_id, who, pledges, activity.id)


def _is_call_answer(ctx: InboxContext, iri: str | None) -> bool:
    """Whether ``iri`` names one of our members' answers to a call (``…/calls/{id}/answers/n``)."""
    try:
        remote.local_answer_ref(ctx.node.settings.base_url, iri)
    except Problem:
        return False
    return True


async def _decision(ctx: InboxContext, activity: ap.Activity, *, accepted: bool) -> None:
    # Mastodon embeds the accepted activity; GoToSocial and others may give only its id:
    # ``object_id`` reads both. ``summary`` is the reason for people; ``refusalReason`` the
    # same as a code, which the member's notification words in their language.
    extra: dict[str, Any] = activity.model_extra or {}
    reason = extra.get("refusalReason")
    with _refusal_ignored():
        await remote.decision_from_partner(
            ctx.node,
            activity.object_id,
            ctx.sender.ap_id,
            accepted=accepted,
            reason=reason if isinstance(reason, str) else "invalid",
        )


async def accept_answer(ctx: InboxContext, activity: ap.Activity) -> None:
    """``Accept`` whose object is one of our members' answers (by id or embedded)."""
    if not _is_call_answer(ctx, activity.object_id):
        raise Ignore("not an answer of ours to a call")
    await _decision(ctx, activity, accepted=True)


async def reject_answer(ctx: InboxContext, activity: ap.Activity) -> None:
    if not _is_call_answer(ctx, activity.object_id):
        raise Ignore("not an answer of ours to a call")
    await _decision(ctx, activity, accepted=False)


async def accept_join(ctx: InboxContext, activity: ap.Activity) -> None:
    """``Accept`` of a ``Join``: of an answer to a call, else of a participation."""
    if _is_call_answer(ctx, activity.object_id):
        await _decision(ctx, activity, accepted=True)
    else:
        await participations.accept_join(ctx, activity)


async def reject_join(ctx: InboxContext, activity: ap.Activity) -> None:
    if _is_call_answer(ctx, activity.object_id):
        await _decision(ctx, activity, accepted=False)
    else:
        await participations.reject_join(ctx, activity)


async def accept_offer(ctx: InboxContext, activity: ap.Activity) -> None:
    """``Accept`` of an ``Offer``: of a pledge to a call, else of a partnership offer."""
    if _is_call_answer(ctx, activity.object_id):
        await _decision(ctx, activity, accepted=True)
    else:
        await partnerships.accept_offer(ctx, activity)


async def reject_offer(ctx: InboxContext, activity: ap.Activity) -> None:
    if _is_call_answer(ctx, activity.object_id):
        await _decision(ctx, activity, accepted=False)
    else:
        await partnerships.reject_offer(ctx, activity)


async def _withdraw(ctx: InboxContext, undone: ap.ASObject) -> None:
    if not await partnership_service.is_partner_domain(ctx.sender.domain, CALLS):
        raise Ignore(f"{ctx.sender.domain} is not a partner for {CALLS}")
    if undone.id is None:
        raise Ignore("the Undo names no activity")
    with _refusal_ignored():
        await remote.withdraw_from_partner(ctx.node, undone.id, ctx.sender.ap_id)


async def undo_join(ctx: InboxContext, activity: ap.Activity) -> None:
    undone = activity.embedded_object
    if undone is None:
        raise Ignore("the Undo does not embed the Join")
    await _withdraw(ctx, undone)


def _targets_call(ctx: InboxContext, undone: ap.ASObject) -> bool:
    target = (
        ap.id_of(undone.target[0]) if isinstance(undone, ap.Activity) and undone.target else None
    )
    return target is not None and target.startswith(f"{ctx.node.settings.base_url}/calls/")


async def undo_offer(ctx: InboxContext, activity: ap.Activity) -> None:
    """``Undo`` of an ``Offer``: a pledge to one of our calls, or else a partnership offer."""
    undone = activity.embedded_object
    if undone is not None and _targets_call(ctx, undone):
        await _withdraw(ctx, undone)
        return
    await partnerships.undo_offer(ctx, activity)


async def delete_object(ctx: InboxContext, activity: ap.Activity) -> None:
    """``Delete`` (by IRI or ``Tombstone``): of a partner's call we hold, from its association
    only; else of an actor or another object (:mod:`node.fed.handlers.actors`). An association
    actor deleting itself takes its calls with it."""
    target = activity.object_id
    if await remote.is_partner_call(target):
        assert target is not None
        with _refusal_ignored():
            await remote.delete_call(ctx.node, target, ctx.sender.ap_id)
        return
    if target is not None and target == ctx.sender.ap_id:
        await remote.forget_association(ctx.node, target)
    await actors.delete_actor_or_object(ctx, activity)


def _words(note: ap.ASObject) -> messages.RemoteWords:
    extra: dict[str, Any] = note.model_extra or {}
    token, name = extra.get("respondent"), extra.get("respondentName")
    if token is not None and (not isinstance(token, str) or not token.isalnum()):
        raise Ignore("a respondent is named by a token")
    body = html_to_text(note.text or "")[: messages.BODY_MAX]
    if not body:
        raise Ignore("an empty message")
    assert note.id is not None
    return messages.RemoteWords(
        ap_id=note.id,
        body=body,
        token=token,
        name=_text(name if isinstance(name, str) else "", _NAME_MAX),
        published=note.published,
    )


async def create_note(ctx: InboxContext, activity: ap.Activity) -> None:
    """A private Note in reply to a call: our respondent's words to one of our calls, or a
    partner's association writing to our members who answered its call. Any other Note goes
    to the committee and chat handlers."""
    note = activity.embedded_object
    target = ap.id_of(note.in_reply_to) if note is not None else None
    ours = target is not None and target.startswith(f"{ctx.node.settings.base_url}/calls/")
    if note is None or target is None or not (ours or await remote.is_partner_call(target)):
        await committee.create_note(ctx, activity)
        return
    if note.id is None or note.is_public:
        raise Ignore("words about a call are private: a public Note is not one")
    if (note.owner or ctx.sender.ap_id) != ctx.sender.ap_id:
        raise Ignore("the Note is not the sender's")
    words = _words(note)
    with _refusal_ignored():
        if ours:
            call_id = remote.local_call_id(ctx.node.settings.base_url, target)
            await messages.from_partner_respondent(ctx.node, call_id, ctx.sender.ap_id, words)
        else:
            await messages.from_partner_association(ctx.node, target, ctx.sender.ap_id, words)
