"""API routes: my blocks (under /api/v1/me/blocks).

A block is of a member of this node (``member_id``) or of a person of another node (``actor``,
their ActivityPub actor IRI). It is enforced on this node only; nobody is told.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

from pydantic import BaseModel, StringConstraints
from quart import Blueprint
from quart_schema import security_scheme, validate_request, validate_response

from node.api.deps import require_member
from node.api.types import BEARER, Strict
from node.models import MemberBlock
from node.services import blocks as service

blueprint = Blueprint("blocks", __name__, url_prefix="/api/v1")

ActorIri = Annotated[str, StringConstraints(strip_whitespace=True, min_length=8, max_length=2048)]


class BlockIn(Strict):
    member_id: UUID | None = None
    actor: ActorIri | None = None


class BlockOut(BaseModel):
    member_id: UUID | None
    pseudonym: str | None
    actor: str | None
    created_at: datetime


class BlockListOut(BaseModel):
    items: list[BlockOut]


def block_out(row: MemberBlock) -> BlockOut:
    blocked = row.blocked_member
    return BlockOut(
        member_id=blocked.id if blocked is not None else None,
        pseudonym=blocked.display_name if blocked is not None else None,
        actor=row.blocked_actor_iri,
        created_at=row.created_at,
    )


@blueprint.get("/me/blocks")
@security_scheme(BEARER)
@validate_response(BlockListOut)
async def list_blocks() -> BlockListOut:
    """Whom I block, newest first."""
    return BlockListOut(
        items=[block_out(r) for r in await service.blocks_of(await require_member())]
    )


@blueprint.post("/me/blocks")
@security_scheme(BEARER)
@validate_request(BlockIn)
@validate_response(BlockOut, 201)
async def block(data: BlockIn) -> tuple[BlockOut, int]:
    """``{member_id}`` or ``{actor}``: from now on neither of us sees the other's actions,
    messages or participation, nor can join, message or answer the other. 404 unknown member,
    409 already blocked, 422 yourself or neither/both."""
    member = await require_member()
    row = await service.block(member, member_id=data.member_id, actor_iri=data.actor)
    await row.fetch_related("blocked_member")
    return block_out(row), 201


@blueprint.delete("/me/blocks")
@security_scheme(BEARER)
@validate_request(BlockIn)
async def unblock(data: BlockIn) -> tuple[str, int]:
    """The same body as to block: lift the block (404 when there is none)."""
    member = await require_member()
    await service.unblock(member, member_id=data.member_id, actor_iri=data.actor)
    return "", 204
