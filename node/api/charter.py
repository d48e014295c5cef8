"""API of the node's ethics charter: read it, accept it, and (admins) publish a new version,
which the street committee approves first (202 with the proposal)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints
from quart import Blueprint
from quart_schema import security_scheme, validate_request, validate_response

from node.api.deps import optional_member, require_member, require_node_admin
from node.api.types import BEARER, MULTI_LINE, Strict
from node.http_state import current_node
from node.services import charter as service
from node.services.charter_text import MAX_CHARS

blueprint = Blueprint("charter", __name__, url_prefix="/api/v1")

CharterText = Annotated[str, StringConstraints(min_length=1, max_length=MAX_CHARS), MULTI_LINE]


class CharterOut(BaseModel):
    version: int
    text_fr: str
    text_en: str
    published_at: datetime | None = Field(description="null: the text the node shipped with")
    accepted_version: int | None = Field(
        None, description="The latest version the caller accepted (null: none, or anonymous)"
    )
    must_accept: bool = Field(description="The caller must accept this version to go on")


class AcceptIn(Strict):
    version: int = Field(ge=1, description="The version the member read and accepts")


class AcceptedOut(BaseModel):
    version: int
    accepted_at: datetime


class PublishIn(Strict):
    text_fr: CharterText
    text_en: CharterText


@blueprint.get("/charter")
@validate_response(CharterOut)
async def read_charter() -> CharterOut:
    """The charter in force, for anyone; with a token, whether the caller must accept it."""
    member = await optional_member()
    charter = await service.charter_in_force()
    accepted = await service.accepted_version(member) if member is not None else None
    return CharterOut(
        version=charter.version,
        text_fr=charter.text_fr,
        text_en=charter.text_en,
        published_at=charter.published_at,
        accepted_version=accepted,
        must_accept=member is not None and (accepted or 0) < charter.version,
    )


@blueprint.post("/charter/accept")
@validate_request(AcceptIn)
@validate_response(AcceptedOut)
@security_scheme(BEARER)
async def accept_charter(data: AcceptIn) -> AcceptedOut:
    """Accept the version in force (409 when ``version`` is not the one in force)."""
    member = await require_member()
    row = await service.accept(member, data.version)
    return AcceptedOut(version=row.version, accepted_at=row.accepted_at)


@blueprint.put("/admin/charter")
@validate_request(PublishIn)
@validate_response(CharterOut, 201)
@security_scheme(BEARER)
async def publish_charter(data: PublishIn) -> tuple[CharterOut, int]:
    """Node admin: a new version of the charter. While the street committee sits it decides:
    202 with the proposal (the lines that change are in its ``after``)."""
    admin = await require_node_admin()
    charter = await service.publish(current_node(), data.text_fr, data.text_en, by=admin)
    out = CharterOut(
        version=charter.version,
        text_fr=charter.text_fr,
        text_en=charter.text_en,
        published_at=charter.published_at,
        accepted_version=await service.accepted_version(admin),
        must_accept=True,
    )
    return out, 201
