"""API of the node's house rules: read by anyone; changed by the node's admins, which the street
committee approves first while it decides on the gate ``moderation`` (202 with the proposal)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints
from quart import Blueprint
from quart_schema import security_scheme, validate_querystring, validate_request, validate_response

from node.api.deps import require_node_admin
from node.api.language import Lang, api_language
from node.api.types import BEARER, ONE_LINE, Strict
from node.http_state import current_node
from node.services import house_rules as service

blueprint = Blueprint("house_rules", __name__, url_prefix="/api/v1")

RuleText = Annotated[str, StringConstraints(max_length=service.TEXT_MAX), ONE_LINE]


class RuleOut(BaseModel):
    number: int = Field(description="What reporters and moderators cite (`rule`)")
    text: str = Field(description="In the language asked (?lang=, Accept-Language)")
    text_fr: str
    text_en: str


class RulesOut(BaseModel):
    items: list[RuleOut]


class LanguageQuery(Strict):
    lang: Lang | None = Field(None, description="Language of `text` (else Accept-Language)")


class AddIn(Strict):
    text_fr: RuleText
    text_en: RuleText
    position: int | None = Field(
        None, ge=1, le=1000, description="Its number in the new list (default: last)"
    )


class EditIn(Strict):
    text_fr: RuleText
    text_en: RuleText


class OrderIn(Strict):
    order: list[Annotated[int, Field(ge=1, le=1000)]] = Field(
        max_length=service.RULES_MAX,
        description="Every rule's number today, in the new order",
    )


def rules_out(rules: list[service.Rule]) -> RulesOut:
    language = api_language()
    return RulesOut(
        items=[
            RuleOut(number=r.number, text=r.text(language), text_fr=r.text_fr, text_en=r.text_en)
            for r in rules
        ]
    )


@blueprint.get("/rules")
@validate_querystring(LanguageQuery)
@validate_response(RulesOut)
async def list_rules(query_args: LanguageQuery) -> RulesOut:
    """The house rules in force, numbered: public, no token needed."""
    return rules_out(await service.rules_in_force())


@blueprint.post("/admin/rules")
@validate_request(AddIn)
@validate_response(RulesOut, 201)
@security_scheme(BEARER)
async def add_rule(data: AddIn) -> tuple[RulesOut, int]:
    """Node admin: a new rule (409 when a rule says the same). Gated: 202 with the proposal."""
    admin = await require_node_admin()
    rules = await service.add(
        current_node(), data.text_fr, data.text_en, position=data.position, by=admin
    )
    return rules_out(rules), 201


@blueprint.put("/admin/rules/<int:number>")
@validate_request(EditIn)
@validate_response(RulesOut)
@security_scheme(BEARER)
async def edit_rule(number: int, data: EditIn) -> RulesOut:
    """Node admin: new words for rule ``number`` (422 unchanged). Gated: 202."""
    admin = await require_node_admin()
    return rules_out(
        await service.edit(current_node(), number, data.text_fr, data.text_en, by=admin)
    )


@blueprint.delete("/admin/rules/<int:number>")
@validate_response(RulesOut)
@security_scheme(BEARER)
async def remove_rule(number: int) -> RulesOut:
    """Node admin: rule ``number`` leaves the list; the next ones move up. Gated: 202."""
    admin = await require_node_admin()
    return rules_out(await service.remove(current_node(), number, by=admin))


@blueprint.put("/admin/rules/order")
@validate_request(OrderIn)
@validate_response(RulesOut)
@security_scheme(BEARER)
async def reorder_rules(data: OrderIn) -> RulesOut:
    """Node admin: the rules in a new order. Gated: 202."""
    admin = await require_node_admin()
    return rules_out(await service.reorder(current_node(), data.order, by=admin))
