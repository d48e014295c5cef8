"""The public record of the street committee's decisions: readable by anyone, no log-in."""

from __future__ import annotations

from uuid import UUID

from quart import Blueprint, Response

from node.models import ProposalOrigin
from node.services.committee import decisions
from node.web.forms import render
from node.web.routes.committee import labels

blueprint = Blueprint("web_decisions", __name__)


@blueprint.get("/decisions")
async def index() -> Response:
    return await render(
        "committee/decisions.html",
        rows=await decisions.list_decisions(limit=100),
        emergencies=await decisions.emergencies_in_review(),
        **labels(),
    )


@blueprint.get("/decisions/<uuid:decision_id>")
async def decision(decision_id: UUID) -> Response:
    row = await decisions.get_decision(decision_id)
    return await render(
        "committee/decision.html",
        decision=row,
        proposal=row.proposal,
        emergency=row.proposal.origin == ProposalOrigin.EMERGENCY,
        **labels(),
    )
