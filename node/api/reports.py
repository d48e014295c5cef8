"""API routes: reports (signalements) by members, and what became of their own."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field
from quart import Blueprint
from quart_schema import security_scheme, validate_request, validate_response

from node.api.deps import require_member
from node.api.language import api_language
from node.api.types import BEARER, MULTI_LINE, ONE_LINE, Strict
from node.http_state import current_node
from node.models import Report, ReportCategory
from node.services import house_rules
from node.services import reports as service

blueprint = Blueprint("reports", __name__, url_prefix="/api/v1")


class ReportIn(Strict):
    target: Annotated[str, Field(min_length=1, max_length=service.IRI_MAX), ONE_LINE] = Field(
        description="kind:id (action, message, member, association) or the object's IRI"
    )
    category: ReportCategory
    text: Annotated[str, Field(max_length=service.TEXT_MAX), MULTI_LINE] = ""
    rule: int | None = Field(
        None, ge=1, le=1000, description="The number of the house rule broken (GET /rules)"
    )


class EmergencyNumberOut(BaseModel):
    number: str
    label: str


class CitedRuleOut(BaseModel):
    number: int | None = Field(description="Its number today; null once the rule was removed")
    text_fr: str
    text_en: str
    text: str = Field(description="In the language asked (?lang=, Accept-Language)")


async def cited_rule_out(found: house_rules.Citation | None) -> CitedRuleOut | None:
    if found is None:
        return None
    return CitedRuleOut(
        number=found.number,
        text_fr=found.text_fr,
        text_en=found.text_en,
        text=found.text(api_language()),
    )


class ReportOut(BaseModel):
    id: int
    target: str
    category: ReportCategory
    status: str
    outcome: str | None = Field(description="What moderators decided, naming nobody")
    rule: CitedRuleOut | None = Field(None, description="The house rule the reporter chose")
    outcome_rule: CitedRuleOut | None = Field(
        None, description="The house rule the moderators cited"
    )
    created_at: datetime
    emergency_numbers: list[EmergencyNumberOut] = Field(
        default_factory=list, description="Only for a danger report: call them now"
    )


class ReportsOut(BaseModel):
    items: list[ReportOut]


async def report_out(report: Report, numbers: list[EmergencyNumberOut] | None = None) -> ReportOut:
    return ReportOut(
        id=report.id,
        target=f"{report.target_kind}:{report.target_id}"
        if report.target_kind != "remote"
        else report.target_id,
        category=report.category,
        status=str(report.status),
        outcome=report.outcome,
        rule=await cited_rule_out(await house_rules.citation(report.rule_id)),  # type: ignore[attr-defined]
        outcome_rule=await cited_rule_out(await house_rules.cited_by_moderators(report.id)),
        created_at=report.created_at,
        emergency_numbers=numbers or [],
    )


@blueprint.post("/reports")
@security_scheme(BEARER)
@validate_request(ReportIn)
@validate_response(ReportOut, 201)
async def make_report(data: ReportIn) -> tuple[ReportOut, int]:
    """Report something wrong. A ``danger`` report answers with the emergency numbers."""
    member = await require_member()
    node = current_node()
    report = await service.make_report(
        node, member, target=data.target, category=data.category, text=data.text, rule=data.rule
    )
    numbers = None
    if report.category == ReportCategory.DANGER:
        french = node.settings.default_language == "fr"
        numbers = [
            EmergencyNumberOut(number=n.number, label=n.fr if french else n.en)
            for n in service.emergency_numbers(node.settings)
        ]
    return await report_out(report, numbers), 201


@blueprint.get("/reports")
@security_scheme(BEARER)
@validate_response(ReportsOut)
async def my_reports() -> ReportsOut:
    """The caller's own reports with their outcome."""
    member = await require_member()
    return ReportsOut(items=[await report_out(r) for r in await service.reports_by(member)])
