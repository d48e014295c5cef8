"""Federation as a listener of the node's events (:mod:`node.events`).

Each listener runs inside the transaction of the change (``EventBus.record``) and writes the
outgoing activity and its delivery rows (:func:`node.fed.outbox.publish`); the worker sends them.
What is published, to whom, and in which shape is decided by the ``publish_*`` modules. An
event caused by another node's activity is never sent back there: the listeners look at
``origin_domain`` and ``remote_actor_iri``.
"""

from __future__ import annotations

from node.events import (
    ActionCreated,
    ActionDeleted,
    ActionHidden,
    ActionRestored,
    ActionUpdated,
    CallAnswered,
    CallAnswerRefused,
    CallAnswerWithdrawn,
    CallDeleted,
    CallMessagePosted,
    CallPosted,
    CallThanked,
    CallUpdated,
    CommitteeQuestionAnswered,
    CommitteeQuestionAsked,
    ContentHidden,
    EventBus,
    MemberDeleted,
    MessageHidden,
    MessagePosted,
    ParticipationAsked,
    ParticipationDecided,
    ParticipationLeft,
    PartnershipAnswered,
    PartnershipAsked,
    PartnershipDecided,
    PartnershipEnded,
    PartnershipNarrowed,
    PartnershipWideningAnswered,
    PartnershipWideningAsked,
    PartnershipWideningDecided,
    PartnershipWideningWithdrawn,
    PlaceCreated,
    PlaceDeleted,
    PlaceUpdated,
    RemoteFollowEnded,
    RemoteFollowStarted,
    ReportForwarded,
    VisitRecorded,
)
from node.fed import (
    publish_actions,
    publish_call_answers,
    publish_call_messages,
    publish_calls,
    publish_members,
    publish_participations,
    publish_partnerships,
    publish_places,
    publish_withdrawals,
)
from node.fed.backfill import backfill_partner
from node.fed.publish_committee import send_to_partner
from node.fed.publish_follows import send_follow, send_unfollow
from node.fed.publish_reports import publish_flag
from node.fed.publish_visits import publish_visit
from node.fed.remote import get_remote_actor
from node.models import (
    Call,
    ParticipationStatus,
    Partnership,
    PartnershipScopeOffer,
    PartnershipStatus,
)
from node.state import NodeState

# Columns whose change does not alter the published object (only this node uses them).
_UNPUBLISHED = frozenset({"auto_accept"})


async def action_created(node: NodeState, event: ActionCreated) -> None:
    await publish_actions.publish_create(node, event.action)


async def action_updated(node: NodeState, event: ActionUpdated) -> None:
    if event.changed - _UNPUBLISHED:
        await publish_actions.publish_update(node, event.action)


async def action_deleted(node: NodeState, event: ActionDeleted) -> None:
    await publish_actions.publish_delete(node, event.action, event.when)


async def action_hidden(node: NodeState, event: ActionHidden) -> None:
    await publish_actions.publish_delete(node, event.action, event.when)


async def action_restored(node: NodeState, event: ActionRestored) -> None:
    await publish_actions.publish_create(node, event.action)


async def participation_asked(node: NodeState, event: ParticipationAsked) -> None:
    row, action = event.participation, event.action
    if row.remote_actor_iri is None and action.origin_domain is not None:
        # A member of this node answers another node's action: ``Join`` to its owner.
        await publish_participations.send_join(node, action, row)
    elif row.remote_actor_iri is not None and row.status != ParticipationStatus.PENDING:
        # A remote participant let in (or refused) at once: tell them.
        await publish_participations.send_decision(node, action, row)


async def participation_decided(node: NodeState, event: ParticipationDecided) -> None:
    if event.participation.remote_actor_iri is not None:
        await publish_participations.send_decision(node, event.action, event.participation)


async def participation_left(node: NodeState, event: ParticipationLeft) -> None:
    row, action = event.participation, event.action
    if row.remote_actor_iri is None and action.origin_domain is not None:
        await publish_participations.send_leave(node, action, row)


async def message_posted(node: NodeState, event: MessagePosted) -> None:
    if event.message.remote_actor_iri is not None:
        # Written on another node: kept here, never sent on (this node cannot sign for a person
        # of another server) and never back where it came from.
        return
    await publish_participations.send_message(node, event.action, event.message)


async def visit_recorded(node: NodeState, event: VisitRecorded) -> None:
    await publish_visit(node, event.visit)


async def member_deleted(node: NodeState, event: MemberDeleted) -> None:
    await publish_members.publish_member_deleted(node, event)


async def partnership_asked(node: NodeState, event: PartnershipAsked) -> None:
    await publish_partnerships.send_offer(node, event.partnership)


async def partnership_decided(node: NodeState, event: PartnershipDecided) -> None:
    await publish_partnerships.send_decision(node, event.partnership, event.committee_decision)
    await _backfill(node, event.partnership)


async def partnership_answered(node: NodeState, event: PartnershipAnswered) -> None:
    await _backfill(node, event.partnership)


async def _backfill(node: NodeState, partnership: Partnership) -> None:
    """A partnership just accepted (either side): the partner sees our recent content at once."""
    if partnership.status == PartnershipStatus.ACCEPTED:
        partner = await get_remote_actor(node, partnership.remote_actor_iri)
        await backfill_partner(node, partnership, partner)


async def partnership_narrowed(node: NodeState, event: PartnershipNarrowed) -> None:
    await publish_partnerships.send_narrowed(node, event.partnership)


async def widening_asked(node: NodeState, event: PartnershipWideningAsked) -> None:
    await publish_partnerships.send_widening(node, event.partnership, event.offer)


async def widening_decided(node: NodeState, event: PartnershipWideningDecided) -> None:
    await publish_partnerships.send_widening_decision(
        node, event.partnership, event.offer, event.committee_decision
    )
    await _backfill_widened(node, event.partnership, event.offer)


async def widening_withdrawn(node: NodeState, event: PartnershipWideningWithdrawn) -> None:
    await publish_partnerships.send_widening_withdrawn(node, event.partnership, event.offer)


async def widening_answered(node: NodeState, event: PartnershipWideningAnswered) -> None:
    await _backfill_widened(node, event.partnership, event.offer)


async def _backfill_widened(node: NodeState, p: Partnership, offer: PartnershipScopeOffer) -> None:
    """Sharing more was accepted (either side): the partner sees at once what the new scopes
    name, as at a partnership's acceptance, and only that (the rest it has already)."""
    if offer.status == PartnershipStatus.ACCEPTED and p.status == PartnershipStatus.ACCEPTED:
        partner = await get_remote_actor(node, p.remote_actor_iri)
        await backfill_partner(node, p, partner, only=offer.scope_list)


async def partnership_ended(node: NodeState, event: PartnershipEnded) -> None:
    await publish_partnerships.send_undo(node, event.partnership, farewell=event.farewell)


async def committee_question_asked(node: NodeState, event: CommitteeQuestionAsked) -> None:
    await send_to_partner(node, event.opinion.remote_actor_iri, event.question)


async def committee_question_answered(node: NodeState, event: CommitteeQuestionAnswered) -> None:
    await send_to_partner(node, event.asker_actor, event.answer)


async def call_posted(node: NodeState, event: CallPosted) -> None:
    await publish_calls.publish_call(node, event.call, update=False)


async def call_updated(node: NodeState, event: CallUpdated) -> None:
    await publish_calls.publish_call(node, event.call, update=True)


async def call_answered(node: NodeState, event: CallAnswered) -> None:
    call, answer = event.call, event.answer
    if call.origin_domain is None:  # our call: partners see the new quantities
        await publish_calls.publish_call(node, call, update=True)
        if answer.activity_id is not None:  # a partner's member: their node hears it counted
            await publish_call_answers.send_decision(node, call, answer)
    elif answer.member_id is not None:  # type: ignore[attr-defined]
        await publish_call_answers.send_answer(node, call, answer)


async def call_message_posted(node: NodeState, event: CallMessagePosted) -> None:
    await publish_call_messages.send_message(node, event.call, event.message)


async def call_thanked(node: NodeState, event: CallThanked) -> None:
    await publish_call_messages.send_thanks(node, event.call, event.message)


async def call_deleted(node: NodeState, event: CallDeleted) -> None:
    await publish_calls.publish_deletion(node, event.call)


async def call_answer_refused(node: NodeState, event: CallAnswerRefused) -> None:
    """A partner's answer to our call was not counted: its node hears why."""
    if event.call.origin_domain is None:
        await publish_call_answers.send_decision(node, event.call, event.answer)


async def call_answer_withdrawn(node: NodeState, event: CallAnswerWithdrawn) -> None:
    call, answer = event.call, event.answer
    if call.origin_domain is None:
        await publish_calls.publish_call(node, call, update=True)
    elif answer.member_id is not None:  # type: ignore[attr-defined]
        await publish_call_answers.send_withdrawal(node, call, answer)


async def remote_follow_started(node: NodeState, event: RemoteFollowStarted) -> None:
    await send_follow(node, event.remote)


async def remote_follow_ended(node: NodeState, event: RemoteFollowEnded) -> None:
    await send_unfollow(node, event.actor_iri, event.follow_id)


async def place_created(node: NodeState, event: PlaceCreated) -> None:
    await publish_places.publish_place(node, event.place, update=False)


async def place_updated(node: NodeState, event: PlaceUpdated) -> None:
    await publish_places.publish_place(node, event.place, update=True)


async def place_deleted(node: NodeState, event: PlaceDeleted) -> None:
    await publish_places.publish_place_deleted(node, event.place)


async def content_hidden(node: NodeState, event: ContentHidden) -> None:
    content = event.content
    if isinstance(content, Call):
        if event.hidden:
            await publish_calls.publish_deletion(node, content)
        else:
            await publish_calls.publish_call(node, content, update=False)
    elif event.hidden:
        await publish_places.publish_place_deleted(node, content)
    else:
        await publish_places.publish_place(node, content, update=False)


async def message_hidden(node: NodeState, event: MessageHidden) -> None:
    if event.message.author_id is None:  # type: ignore[union-attr]
        return  # written on another node: hidden here only (its own node decides for the rest)
    if event.hidden:
        await publish_withdrawals.send_withdrawal(node, event.message, event.when)
    else:
        await publish_withdrawals.send_again(node, event.message)


def register(bus: EventBus) -> None:
    """Make federation listen to ``bus`` (called once per node by ``node.wiring.build_node``)."""
    bus.listen(ActionCreated, action_created)
    bus.listen(CallPosted, call_posted)
    bus.listen(RemoteFollowStarted, remote_follow_started)
    bus.listen(RemoteFollowEnded, remote_follow_ended)
    bus.listen(CallUpdated, call_updated)
    bus.listen(CallAnswered, call_answered)
    bus.listen(CallAnswerRefused, call_answer_refused)
    bus.listen(CallDeleted, call_deleted)
    bus.listen(CallMessagePosted, call_message_posted)
    bus.listen(CallThanked, call_thanked)
    bus.listen(CallAnswerWithdrawn, call_answer_withdrawn)
    bus.listen(ActionUpdated, action_updated)
    bus.listen(ActionDeleted, action_deleted)
    bus.listen(ActionHidden, action_hidden)
    bus.listen(ActionRestored, action_restored)
    bus.listen(ContentHidden, content_hidden)
    bus.listen(MessageHidden, message_hidden)
    bus.listen(ReportForwarded, publish_flag)
    bus.listen(ParticipationAsked, participation_asked)
    bus.listen(ParticipationDecided, participation_decided)
    bus.listen(ParticipationLeft, participation_left)
    bus.listen(MessagePosted, message_posted)
    bus.listen(VisitRecorded, visit_recorded)
    bus.listen(MemberDeleted, member_deleted)
    bus.listen(PartnershipAsked, partnership_asked)
    bus.listen(PartnershipDecided, partnership_decided)
    bus.listen(PartnershipAnswered, partnership_answered)
    bus.listen(PartnershipEnded, partnership_ended)
    bus.listen(PartnershipNarrowed, partnership_narrowed)
    bus.listen(PartnershipWideningAsked, widening_asked)
    bus.listen(PartnershipWideningDecided, widening_decided)
    bus.listen(PartnershipWideningAnswered, widening_answered)
    bus.listen(PartnershipWideningWithdrawn, widening_withdrawn)
    bus.listen(CommitteeQuestionAsked, committee_question_asked)
    bus.listen(CommitteeQuestionAnswered, committee_question_answered)
    bus.listen(PlaceCreated, place_created)
    bus.listen(PlaceUpdated, place_updated)
    bus.listen(PlaceDeleted, place_deleted)
