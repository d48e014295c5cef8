"""The street committee's pages: the committee, its members and rules, a proposal with its vote
buttons. The vote link opened from an SMS is in :mod:`node.web.routes.vote_links`, the public
record in :mod:`node.web.routes.decisions`.

Every page works on a basic phone browser without JavaScript: plain forms, one large button
per choice. Gated actions elsewhere in the pages land here (:func:`waiting_for_committee`).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from quart import Blueprint, Response, flash, request, url_for

from node.errors import Forbidden, NotFound, Problem, Unprocessable
from node.http_state import current_node
from node.models import (
    CommitteeProposal,
    CommitteeRole,
    Decision,
    Member,
    ProposalState,
    VoteChannel,
    VoteChoice,
)
from node.services import admins
from node.services.committee import links, meetings, opinions, proposals, seats, votes
from node.services.committee.changes import ChangeGates, ChangeRules, RemoveSeat
from node.services.committee.gates import Proposed
from node.services.committee.rules import Gate, get_committee
from node.services.phone import normalise_phone
from node.web import nav
from node.web.context import gettext as _
from node.web.forms import FormErrors, login_required, member, render, see_other, text
from node.web.nav import N_

blueprint = Blueprint("web_committee", __name__)


GATE_VALUES = frozenset(g.value for g in Gate)


CHOICE_LABELS = {"for": N_("For"), "against": N_("Against"), "abstain": N_("Abstain")}


FIELD_LABELS = {
    "partner": N_("Partner node"),
    "partnership": N_("Partnership"),
    "scopes": N_("Shared"),
    "domain": N_("Domain"),
    "blocked": N_("Blocked"),
    "allowlist_mode": N_("Only chosen nodes"),
    "allowed_domains": N_("Chosen nodes"),
    "association": N_("Association"),
    "status": N_("Status"),
    "member": N_("Member"),
    "seat": N_("On the committee"),
    "quorum": N_("Voters needed"),
    "voting_days": N_("Days to vote"),
    "gates": N_("The committee decides on"),
}


VALUE_LABELS = {
    "yes": N_("Yes"),
    "no": N_("No"),
    "pending": N_("Pending"),
    "accepted": N_("Accepted"),
    "approved": N_("Approved"),
    "ended": N_("Ended"),
    "member": N_("Member"),
    "facilitator": N_("Facilitator"),
}


GATE_LABELS = {
    "partnerships": N_("Partnerships with other nodes"),
    "federation_policy": N_("Blocked and chosen nodes"),
    "associations": N_("New associations"),
    "committee": N_("The committee itself: members, rules, this list"),
    "charter": N_("The charter"),
    "moderation": N_("The house rules"),
}


STATE_LABELS = {
    "open": N_("Vote open"),
    "approved": N_("Approved"),
    "refused": N_("Refused"),
    "expired": N_("Not enough voters"),
}


async def waiting_for_committee(exc: Proposed) -> Response:
    """A gated action became a proposal: say so, and show it."""
    await flash(
        _(
            "This change needs the street committee. Proposal %(number)s is open for votes.",
            number=exc.proposal.number,
        )
    )
    return see_other(url_for("web_committee.proposal", proposal_id=exc.proposal.id))


def labels() -> dict[str, Any]:
    return {
        "choice_labels": CHOICE_LABELS,
        "field_labels": FIELD_LABELS,
        "value_labels": VALUE_LABELS,
        "gate_labels": GATE_LABELS,
        "state_labels": STATE_LABELS,
    }


async def _require_seat_or_admin(me: Member) -> None:
    if not me.is_admin and await votes.seat_of(me) is None:
        raise Forbidden("Only committee members and node admins can see this.")


async def _committee_page(status: int = 200, **extra: Any) -> Response:
    me = member()
    seat = await votes.seat_of(me)
    extra.setdefault("errors", FormErrors())
    extra.setdefault("values", {})
    committee = await get_committee()
    return await render(
        "committee/index.html",
        status,
        committee=committee,
        seats=await seats.list_seats(),
        my_seat=seat,
        open_proposals=await proposals.list_proposals(ProposalState.OPEN, limit=100),
        proxies=await Member.exclude(managed_by_id=None).order_by("pseudonym").limit(200),
        gates=list(Gate),
        **labels(),
        **extra,
    )


@blueprint.get("/committee")
@login_required
async def index() -> Response:
    return await _committee_page()


def _require_admin() -> Member:
    return admins.require_node_admin(member())


@blueprint.post("/committee/members")
@login_required
async def add_member() -> Response:
    admin = _require_admin()
    form = await request.form
    try:
        phone, proxy_id = text(form, "phone", 40), text(form, "proxy_id", 40)
        if proxy_id:
            try:
                candidate = await Member.get_or_none(id=UUID(proxy_id), managed_by_id__isnull=False)
            except ValueError:
                candidate = None
        elif phone:
            candidate = await Member.get_or_none(phone=normalise_phone(phone))
        else:
            raise Unprocessable.field("phone", "Give a phone number or choose a profile.")
        if candidate is None:
            raise Unprocessable.field("phone", "No member has this phone number.")
        role = CommitteeRole(form.get("role", "member"))
        change = await seats.seat_change(
            candidate, role=role, consent=text(form, "consent_statement", 500)
        )
        await seats.add_seat(current_node(), change, by=admin)
    except Proposed as exc:
        return await waiting_for_committee(exc)
    except (Problem, ValueError) as exc:
        problem = exc if isinstance(exc, Problem) else Unprocessable.field("role", "not valid")
        return await _committee_page(
            problem.status, errors=FormErrors.from_problem(problem), values=form
        )
    await flash(_("%(name)s sits on the street committee now.", name=candidate.display_name))
    return see_other(url_for("web_committee.index") + "#members")


@blueprint.post("/committee/members/<uuid:member_id>/remove")
@login_required
async def remove_member(member_id: UUID) -> Response:
    admin = _require_admin()
    leaving = await Member.get_or_none(id=member_id)
    if leaving is None:
        raise NotFound("No such member.")
    try:
        change = RemoveSeat(member_id=leaving.id, name=leaving.display_name)
        await seats.remove_seat(current_node(), change, by=admin)
    except Proposed as exc:
        return await waiting_for_committee(exc)
    except Problem as exc:
        return await _committee_page(exc.status, errors=FormErrors.from_problem(exc))
    return see_other(url_for("web_committee.index") + "#members")


@blueprint.post("/committee/rules")
@login_required
async def rules() -> Response:
    """Rules and gates are two changes: each one that differs is saved or proposed."""
    admin = _require_admin()
    form = await request.form
    committee = await get_committee()
    try:
        try:
            new_rules = ChangeRules(
                quorum=int(text(form, "quorum", 5)), voting_days=int(text(form, "voting_days", 5))
            )
        except ValueError:
            raise Unprocessable.field(
                "quorum", "Give whole numbers: 1 to 100 voters, 1 to 60 days."
            ) from None
        new_gates = ChangeGates(
            gates=sorted(Gate(g) for g in form.getlist("gates") if g in GATE_VALUES)
        )
    except Problem as exc:
        return await _committee_page(exc.status, errors=FormErrors.from_problem(exc))
    proposed: list[Proposed] = []
    try:
        if (new_rules.quorum, new_rules.voting_days) != (committee.quorum, committee.voting_days):
            try:
                await seats.change_rules(current_node(), new_rules, by=admin)
            except Proposed as exc:
                proposed.append(exc)
        if sorted(g.value for g in new_gates.gates) != sorted(committee.gate_list):
            try:
                await seats.change_gates(current_node(), new_gates, by=admin)
            except Proposed as exc:
                proposed.append(exc)
    except Problem as exc:
        return await _committee_page(exc.status, errors=FormErrors.from_problem(exc))
    if proposed:
        return await waiting_for_committee(proposed[-1])
    await flash(_("The committee's rules are saved."))
    return see_other(url_for("web_committee.index") + "#rules")


async def proposal_context(proposal: CommitteeProposal, viewer: Member | None) -> dict[str, Any]:
    decision = await Decision.get_or_none(proposal_id=proposal.id)
    return {
        "proposal": proposal,
        "decision": decision,
        "votes_cast": (await votes.tally_of(proposal)).turnout,
        "my_vote": await votes.vote_of(proposal, viewer) if viewer is not None else None,
        "opinions": await opinions.opinions_of(proposal),
        "choices": list(VoteChoice),
        **labels(),
    }


@blueprint.get("/committee/proposals/<uuid:proposal_id>")
@login_required
async def proposal(proposal_id: UUID, status: int = 200, **extra: Any) -> Response:
    me = member()
    row = await proposals.get_proposal(proposal_id)
    context = await proposal_context(row, me)
    seat = await votes.seat_of(me)
    extra.setdefault("errors", FormErrors())
    return await render(
        "committee/proposal.html",
        status,
        can_vote=seat is not None and row.state == ProposalState.OPEN,
        is_facilitator=me.is_admin or (seat is not None and seat.role == CommitteeRole.FACILITATOR),
        vote_votes=await votes.list_votes(row) if seat is not None or me.is_admin else [],
        vote_action=url_for("web_committee.vote", proposal_id=row.id),
        **context,
        **extra,
    )


def choice_of(form: Any) -> VoteChoice:
    try:
        return VoteChoice(form.get("choice", ""))
    except ValueError:
        raise Unprocessable.field("choice", "Choose for, against or abstain.") from None


@blueprint.post("/committee/proposals/<uuid:proposal_id>/vote")
@login_required
async def vote(proposal_id: UUID) -> Response:
    me = member()
    form = await request.form
    row = await proposals.get_proposal(proposal_id)
    try:
        await votes.cast_vote(
            current_node(),
            row,
            me,
            choice_of(form),
            comment=text(form, "comment", 600),
            channel=VoteChannel.WEB,
        )
    except Problem as exc:
        return await proposal(proposal_id, exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("Your vote is saved. You can change it until the deadline."))
    return see_other(url_for("web_committee.proposal", proposal_id=row.id))


@blueprint.post("/committee/proposals/<uuid:proposal_id>/sms-links")
@login_required
async def send_links(proposal_id: UUID) -> Response:
    me = member()
    row = await proposals.get_proposal(proposal_id)
    try:
        await meetings.require_facilitator(me)
        sent = await links.send_vote_links(current_node(), row)
    except Problem as exc:
        return await proposal(proposal_id, exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("Vote links sent by SMS: %(count)s.", count=sent))
    return see_other(url_for("web_committee.proposal", proposal_id=row.id))


@blueprint.post("/committee/proposals/<uuid:proposal_id>/opinions")
@login_required
async def ask_opinions(proposal_id: UUID) -> Response:
    me = member()
    row = await proposals.get_proposal(proposal_id)
    try:
        asked = await opinions.ask_partners(current_node(), row, by=me)
    except Problem as exc:
        return await proposal(proposal_id, exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("Partner committees asked for their opinion: %(count)s.", count=asked))
    return see_other(url_for("web_committee.proposal", proposal_id=row.id))


async def _on_committee(viewer: Member | None) -> bool:
    return viewer is not None and (viewer.is_admin or await votes.seat_of(viewer) is not None)


nav.add(
    nav.NavEntry("web_committee.index", N_("Committee"), _on_committee), before="web_admin.index"
)
