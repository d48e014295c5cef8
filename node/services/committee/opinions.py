"""Asking partner committees for their opinion, and giving ours (not binding either way).

The question is an AS2 ``Question`` in the FEP-9967 (polls) shape, sent by our instance actor
to the partner's instance actor, with three options named ``for``, ``against`` and ``abstain``
and ``endTime`` the proposal's deadline. The partner's committee votes on it like on any of its
proposals (kind ``opinion.give``, nothing to carry out); when its vote closes, the partner
answers the FEP-9967 way: a ``Note`` whose ``name`` is the option chosen and whose ``inReplyTo``
is the question, with ``committeeDecision`` linking its public record. The answer is shown on
our proposal.
"""

from __future__ import annotations

import html
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict
from node.events import CommitteeQuestionAnswered, CommitteeQuestionAsked
from node.iris import instance_actor_iri
from node.models import (
    CommitteeProposal,
    Decision,
    Member,
    PartnerOpinion,
    Partnership,
    PartnershipStatus,
    ProposalOrigin,
    ProposalState,
    RemoteActor,
    VoteChoice,
)
from node.services.committee.changes import GiveOpinion
from node.services.committee.decisions import decision_api_url
from node.services.committee.meetings import require_facilitator
from node.services.committee.votes import require_open

if TYPE_CHECKING:
    from node.state import NodeState

CHOICES = tuple(c.value for c in VoteChoice)
TITLE_MAX = 200
SUMMARY_MAX = 2000
# Our own vote on a partner's question ends before theirs, so that the answer arrives in time.
ANSWER_MARGIN = timedelta(hours=1)
SHORTEST = timedelta(hours=2)
OUTCOME_ANSWER = {
    ProposalState.APPROVED: VoteChoice.FOR,
    ProposalState.REFUSED: VoteChoice.AGAINST,
    ProposalState.EXPIRED: VoteChoice.ABSTAIN,
}


def question_document(
    node: NodeState, proposal: CommitteeProposal, opinion: PartnerOpinion
) -> dict[str, Any]:

    return {
        "id": opinion.question_iri,
        "type": "Question",
        "attributedTo": instance_actor_iri(node.settings),
        "name": proposal.title,
        "content": f"<p>{html.escape(proposal.summary_fr)}</p>",
        "contentMap": {
            "fr": f"<p>{html.escape(proposal.summary_fr)}</p>",
            "en": f"<p>{html.escape(proposal.summary_en)}</p>",
        },
        "oneOf": [
            {"type": "Note", "name": c, "replies": {"type": "Collection", "totalItems": 0}}
            for c in CHOICES
        ],
        "endTime": proposal.deadline.isoformat().replace("+00:00", "Z"),
        "to": [opinion.remote_actor_iri],
    }


async def ask_partners(node: NodeState, proposal: CommitteeProposal, *, by: Member) -> int:
    """Send the question to every partner node not asked yet; returns how many were asked."""
    await require_facilitator(by)
    require_open(proposal)
    if proposal.kind == GiveOpinion.model_fields["kind"].default:
        raise Conflict("This vote is already another committee's question.")
    partners = await Partnership.filter(status=PartnershipStatus.ACCEPTED)
    rows = await PartnerOpinion.filter(proposal_id=proposal.id).values_list(
        "remote_domain", flat=True
    )
    asked = {str(domain) for domain in rows}
    actors = {
        a.ap_id: a
        for a in await RemoteActor.filter(ap_id__in=[p.remote_actor_iri for p in partners])
    }
    base = node.settings.base_url.rstrip("/")
    count = 0
    for partner in partners:
        actor = actors.get(partner.remote_actor_iri)
        if partner.remote_domain in asked or actor is None:
            continue
        async with in_transaction():
            opinion = await PartnerOpinion.create(
                proposal=proposal,
                remote_domain=partner.remote_domain,
                remote_actor_iri=actor.ap_id,
                question_iri=f"{base}/committee/proposals/{proposal.id}/questions/{uuid.uuid4()}",
                asked_at=clock.now(),
            )
            question = question_document(node, proposal, opinion)
            await node.events.record(
                node, CommitteeQuestionAsked(opinion=opinion, question=question)
            )
        count += 1
    return count


async def opinions_of(proposal: CommitteeProposal) -> list[PartnerOpinion]:
    return await PartnerOpinion.filter(proposal_id=proposal.id).order_by("remote_domain")


# --- a partner asks us ---------------------------------------------------------------------


def _answer_deadline(end_time: datetime | None, voting_days: int) -> datetime:
    now = clock.now()
    ours = now + timedelta(days=voting_days)
    if end_time is None:
        return ours
    return max(now + SHORTEST, min(ours, end_time - ANSWER_MARGIN))


async def receive_question(
    node: NodeState,
    sender: RemoteActor,
    *,
    question_iri: str,
    title: str,
    summary: str,
    options: list[str],
    end_time: datetime | None,
) -> CommitteeProposal | None:
    """A partner's committee asks ours: our committee votes on it (None when it is not a
    question we can answer, or already received)."""
    from node.services.committee.proposals import propose
    from node.services.committee.rules import get_committee, seat_count

    if not set(CHOICES) <= set(options) or await seat_count() == 0:
        return None
    change = GiveOpinion(
        question_iri=question_iri,
        asker_actor=sender.ap_id,
        asker_domain=sender.domain,
        title=title.strip()[:TITLE_MAX] or question_iri[:TITLE_MAX],
        summary=summary.strip()[:SUMMARY_MAX],
    )
    if await CommitteeProposal.filter(subject=change.subject).exists():
        return None
    committee = await get_committee()
    deadline = _answer_deadline(end_time, committee.voting_days)
    return await propose(node, change, origin=ProposalOrigin.REMOTE, by=None, deadline=deadline)


async def send_answer(node: NodeState, change: GiveOpinion, decision: Decision) -> None:
    """Our committee's vote closed: answer the question (a Note naming the option)."""
    choice = OUTCOME_ANSWER[decision.outcome]
    actor = instance_actor_iri(node.settings)
    note = {
        "id": f"{node.settings.base_url.rstrip('/')}/api/v1/decisions/{decision.id}#answer",
        "type": "Note",
        "attributedTo": actor,
        "name": choice.value,
        "inReplyTo": change.question_iri,
        "content": (
            f"<p>Comité de la rue : pour {decision.votes_for}, contre {decision.votes_against}, "
            f"abstention {decision.votes_abstain}.</p>"
        ),
        "to": [change.asker_actor],
        "committeeDecision": decision_api_url(node, decision),
    }
    await node.events.record(
        node, CommitteeQuestionAnswered(asker_actor=change.asker_actor, answer=note)
    )


async def record_answer(
    sender: RemoteActor, *, question_iri: str, answer: str, answer_iri: str | None
) -> bool:
    """A partner answered our question; False when it is not one we asked that partner."""
    if answer not in CHOICES:
        return False
    updated = await PartnerOpinion.filter(
        question_iri=question_iri, remote_domain=sender.domain, answered_at=None
    ).update(answer=answer, answer_iri=answer_iri, answered_at=clock.now())
    return updated > 0


async def is_our_question(iri: str) -> bool:
    return await PartnerOpinion.filter(question_iri=iri).exists()
