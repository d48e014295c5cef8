"""Notifications as a listener of the node's events (:mod:`node.events`).

Each listener runs inside the transaction of the change and writes notification rows through
:func:`node.services.notifications.notify`; the worker sends them. Events caused by another
node (a Lyon member joins a Paris need, a remote chat message, a partner's answer) are recorded
by the same services and notify exactly like local ones: recipients are always members of this
node, whoever caused the event. People are named by pseudonym (or a remote actor's display
name), never by phone, email or place.
"""

from __future__ import annotations

from collections.abc import Iterable
from uuid import UUID

from tortoise.expressions import Q

from node.events import (
    ActionDeleted,
    ActionUpdated,
    AssociationRequested,
    CallAnswerRefused,
    CallDeleted,
    CallMessagePosted,
    CallPosted,
    CallThanked,
    CallUpdated,
    EventBus,
    MemberWarned,
    MessagePosted,
    ParticipationAsked,
    ParticipationDecided,
    PlaceSuggested,
    PlaceSuggestionDecided,
    ProposalClosed,
    ProposalOpened,
    QuorumAtRisk,
    ReportDecided,
    ReportMade,
    VoteReminderDue,
)
from node.models import (
    Action,
    ActionKind,
    ActionStatus,
    AnswerStatus,
    AssociationMembership,
    AssociationRole,
    Call,
    CallAnswer,
    CallKind,
    CallStatus,
    CommitteeMember,
    CommitteeProposal,
    CommitteeRole,
    Member,
    Participation,
    ParticipationStatus,
    ReportCategory,
    SuggestionStatus,
)
from node.services import notifications
from node.services.calls import audience, follows, limits, remote_follows
from node.state import NodeState

# Changes of an outing its participants are told about.
_OUTING_DETAILS = frozenset(
    {"title", "starts_at", "ends_at", "place_name", "lat", "lon", "public_lat", "public_lon"}
)


def _payload(action: Action, actor: str = "") -> dict[str, str]:
    return {"actor": actor, "title": action.title, "url": f"/actions/{action.id}"}


async def _participant_name(row: Participation) -> str:
    if row.member_id is None:  # type: ignore[attr-defined]
        return row.remote_name or ""
    member = await Member.get(id=row.member_id)  # type: ignore[attr-defined]
    return member.display_name


async def _chat_members(action: Action) -> list[UUID]:
    """Local members in the action's chat: its author and accepted participants."""
    ids: list[UUID] = await Participation.filter(
        action_id=action.id, status=ParticipationStatus.ACCEPTED, member_id__isnull=False
    ).values_list("member_id", flat=True)  # type: ignore[assignment]
    author = action.author_id  # type: ignore[attr-defined]
    return ([author] if author is not None else []) + ids


async def _tell(
    node: NodeState,
    kind: str,
    members: Iterable[UUID],
    action: Action | None,
    payload: dict[str, str],
) -> None:
    await notifications.notify(
        node, kind, members, payload=payload, action_id=action.id if action else None
    )


async def participation_asked(node: NodeState, event: ParticipationAsked) -> None:
    row, action = event.participation, event.action
    author = action.author_id  # type: ignore[attr-defined]
    if author is None:  # another node's action: its own node tells its author
        return
    await _tell(
        node, "join_asked", [author], action, _payload(action, await _participant_name(row))
    )


async def participation_decided(node: NodeState, event: ParticipationDecided) -> None:
    row, action = event.participation, event.action
    member = row.member_id  # type: ignore[attr-defined]
    if member is None:  # a participant on another node: that node tells them
        return
    if row.status == ParticipationStatus.ACCEPTED:
        await _tell(node, "join_accepted", [member], action, _payload(action))
    elif row.status == ParticipationStatus.DECLINED:
        await _tell(node, "join_declined", [member], action, _payload(action))


async def message_posted(node: NodeState, event: MessagePosted) -> None:
    message, action = event.message, event.action
    writer = message.author_id  # type: ignore[attr-defined]
    if writer is not None:
        name = (await Member.get(id=writer)).display_name
    else:
        name = message.remote_author_name or ""
    recipients = []
    for member_id in await _chat_members(action):
        # One unread notice per chat is enough: the chat shows how many messages are new.
        if member_id != writer and not await notifications.has_unread(
            member_id, "message_posted", action.id
        ):
            recipients.append(member_id)
    await _tell(node, "message_posted", recipients, action, _payload(action, name))


async def _outing_participants(action: Action) -> list[UUID]:
    ids: list[UUID] = await Participation.filter(
        action_id=action.id, status=ParticipationStatus.ACCEPTED, member_id__isnull=False
    ).values_list("member_id", flat=True)  # type: ignore[assignment]
    return ids


async def action_updated(node: NodeState, event: ActionUpdated) -> None:
    action = event.action
    if action.kind != ActionKind.OUTING:
        return
    if "status" in event.changed and action.status == ActionStatus.CLOSED:
        kind = "outing_cancelled"
    elif event.changed & _OUTING_DETAILS:
        kind = "outing_changed"
    else:
        return
    await _tell(node, kind, await _outing_participants(action), action, _payload(action))


async def action_deleted(node: NodeState, event: ActionDeleted) -> None:
    action = event.action
    if action.kind != ActionKind.OUTING:
        return
    # The action's row goes right after: the notification keeps its title, not a link to it.
    payload = {"actor": "", "title": action.title, "url": ""}
    await _tell(node, "outing_cancelled", await _outing_participants(action), None, payload)


async def association_requested(node: NodeState, event: AssociationRequested) -> None:
    admins: list[UUID] = await Member.filter(is_admin=True).values_list("id", flat=True)  # type: ignore[assignment]
    ref = str(event.association.id)  # the periodic notice checks it: told once either way
    payload = {"actor": "", "title": event.association.name, "url": "/admin", "ref": ref}
    await _tell(node, "association_awaiting", admins, None, payload)


# --- moderation ---------------------------------------------------------------------------------


async def _moderators() -> list[UUID]:
    ids: list[UUID] = await Member.filter(
        Q(is_moderator=True) | Q(is_admin=True), banned_at=None
    ).values_list("id", flat=True)  # type: ignore[assignment]
    return ids


async def report_made(node: NodeState, event: ReportMade) -> None:
    report = event.report
    payload = {"category": str(report.category), "url": f"/moderation/reports/{report.id}"}
    if report.category == ReportCategory.DANGER:
        # Someone in danger: every moderator at once, whatever the hour or their digest.
        await notifications.notify(node, "report_danger", await _moderators(), payload=payload)
    else:
        await notifications.notify(node, "report_received", await _moderators(), payload=payload)


async def report_decided(node: NodeState, event: ReportDecided) -> None:
    report = event.report
    if report.reporter_id is None:  # type: ignore[attr-defined]
        return
    outcome = report.outcome or ""
    payload = {"result_fr": outcome, "result_en": outcome, "url": "/reports"}
    await notifications.notify(node, "report_outcome", [report.reporter_id], payload=payload)  # type: ignore[attr-defined]


async def member_warned(node: NodeState, event: MemberWarned) -> None:
    payload = {"reason": event.reason, "verb": event.verb, "url": ""}
    await notifications.notify(node, "moderation_notice", [event.member.id], payload=payload)


# --- the street committee -----------------------------------------------------------------------

_RESULTS = {
    "approved": ("approuvé", "approved"),
    "refused": ("refusé", "refused"),
    "expired": ("pas assez de votants", "not enough voters"),
}


def _proposal_payload(proposal: CommitteeProposal, **extra: str) -> dict[str, str]:
    ref = str(proposal.id)
    url = f"/committee/proposals/{proposal.id}"
    return {"actor": "", "title": proposal.title, "url": url, "ref": ref, **extra}


async def _seated(role: CommitteeRole | None = None) -> list[UUID]:
    seats = CommitteeMember.filter(active_member_id__not_isnull=True)
    if role is not None:
        seats = seats.filter(role=role)
    ids: list[UUID] = await seats.values_list("active_member_id", flat=True)  # type: ignore[assignment]
    return ids


async def proposal_opened(node: NodeState, event: ProposalOpened) -> None:
    proposal = event.proposal
    await _tell(node, "committee_vote_opened", await _seated(), None, _proposal_payload(proposal))


async def vote_reminder_due(node: NodeState, event: VoteReminderDue) -> None:
    payload = _proposal_payload(event.proposal)
    await _tell(node, "committee_vote_reminder", event.not_voted, None, payload)


async def quorum_at_risk(node: NodeState, event: QuorumAtRisk) -> None:
    payload = _proposal_payload(
        event.proposal, turnout=str(event.turnout), quorum=str(event.quorum)
    )
    facilitators = await _seated(CommitteeRole.FACILITATOR)
    await _tell(node, "committee_quorum_at_risk", facilitators, None, payload)


async def proposal_closed(node: NodeState, event: ProposalClosed) -> None:
    result_fr, result_en = _RESULTS[str(event.decision.outcome)]
    payload = _proposal_payload(event.proposal, result_fr=result_fr, result_en=result_en)
    await _tell(node, "committee_result", await _seated(), None, payload)


# --- calls for help ------------------------------------------------------------------------------

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
    return ids


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
        await _tell(node, "call_urgent", in_area, None, payload)
        return
    association = call.association_id  # type: ignore[attr-defined]
    followers: set[UUID] = set()
    if association is not None:
        followers.update(await follows.followers(association))
    elif call.remote_association_iri is not None:  # a partner's association, maybe followed
        followers.update(await remote_follows.followers(call.remote_association_iri))
    followers.discard(author)
    await _tell(node, "call_followed", sorted(followers), None, payload)
    others = [member for member in in_area if member not in followers]
    allowed = await limits.under_weekly_cap(node.settings, others)
    await _tell(node, "call_nearby", allowed, None, payload)


async def call_updated(node: NodeState, event: CallUpdated) -> None:
    call = event.call
    if "status" in event.changed and call.status == CallStatus.CANCELLED:
        kind = "call_cancelled"
    elif event.changed & _CALL_DETAILS:
        kind = "call_changed"
    else:
        return
    await _tell(node, kind, await _respondents(call), None, _call_payload(call))


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
        await _tell(node, "call_message", [m for m in members if m != author], None, payload)
        return
    association = call.association_id  # type: ignore[attr-defined]
    if call.origin_domain is not None or association is None:
        return  # a partner's call: its own node tells its association
    coordinators: list[UUID] = await AssociationMembership.filter(
        association_id=association, role__in=(AssociationRole.ADMIN, AssociationRole.COORDINATOR)
    ).values_list("member_id", flat=True)  # type: ignore[assignment]
    payload["actor"] = message.author_name
    await _tell(node, "call_reply", [m for m in coordinators if m != author], None, payload)


async def call_deleted(node: NodeState, event: CallDeleted) -> None:
    """A call its respondents answered is deleted: told as a cancellation (no link: the call
    is gone)."""
    payload = {k: v for k, v in _call_payload(event.call).items() if k != "url"}
    await _tell(node, "call_cancelled", await _respondents(event.call), None, payload)


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
    await _tell(node, "call_answer_refused", [member], None, payload)


def _short(text: str) -> str:
    message = " ".join(text.split())
    if len(message) > THANKS_MAX:
        message = message[: THANKS_MAX - 1].rstrip() + "…"
    return message


async def call_thanked(node: NodeState, event: CallThanked) -> None:
    payload = _call_payload(event.call, message=_short(event.message))
    await _tell(node, "call_thanks", await _respondents(event.call), None, payload)


# --- the solidarity guide ------------------------------------------------------------------


async def _place_editors(association_id: UUID | None) -> list[UUID]:
    """Who edits a place: its association's admins and coordinators, else the node admins."""
    if association_id is not None:
        ids: list[UUID] = await AssociationMembership.filter(
            association_id=association_id, role__in=("admin", "coordinator")
        ).values_list("member_id", flat=True)  # type: ignore[assignment]
        if ids:
            return ids
    admins: list[UUID] = await Member.filter(is_admin=True).values_list("id", flat=True)  # type: ignore[assignment]
    return admins


async def place_suggested(node: NodeState, event: PlaceSuggested) -> None:
    suggestion, place = event.suggestion, event.place
    author = await Member.get(id=suggestion.member_id)  # type: ignore[attr-defined]
    editors = await _place_editors(place.association_id)  # type: ignore[attr-defined]
    payload = {"actor": author.display_name, "title": place.name, "url": "/guide/suggestions"}
    await notifications.notify(
        node, "place_suggested", [m for m in editors if m != author.id], payload=payload
    )


async def place_suggestion_decided(node: NodeState, event: PlaceSuggestionDecided) -> None:
    suggestion, place = event.suggestion, event.place
    accepted = suggestion.status == SuggestionStatus.ACCEPTED
    kind = "place_suggestion_accepted" if accepted else "place_suggestion_refused"
    payload = {"title": place.name, "reason": suggestion.reason, "url": f"/guide/{place.id}"}
    await notifications.notify(node, kind, [suggestion.member_id], payload=payload)  # type: ignore[attr-defined]


def register(bus: EventBus) -> None:
    bus.listen(ParticipationAsked, participation_asked)
    bus.listen(ParticipationDecided, participation_decided)
    bus.listen(MessagePosted, message_posted)
    bus.listen(ActionUpdated, action_updated)
    bus.listen(ActionDeleted, action_deleted)
    bus.listen(AssociationRequested, association_requested)
    bus.listen(ProposalOpened, proposal_opened)
    bus.listen(VoteReminderDue, vote_reminder_due)
    bus.listen(QuorumAtRisk, quorum_at_risk)
    bus.listen(ProposalClosed, proposal_closed)
    bus.listen(CallPosted, call_posted)
    bus.listen(CallUpdated, call_updated)
    bus.listen(CallThanked, call_thanked)
    bus.listen(CallAnswerRefused, call_answer_refused)
    bus.listen(CallDeleted, call_deleted)
    bus.listen(CallMessagePosted, call_message_posted)
    bus.listen(ReportMade, report_made)
    bus.listen(ReportDecided, report_decided)
    bus.listen(MemberWarned, member_warned)
    bus.listen(PlaceSuggested, place_suggested)
    bus.listen(PlaceSuggestionDecided, place_suggestion_decided)
