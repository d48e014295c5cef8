"""``GET /api/v1/network/stats``: the figures of this node and its partners (public)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from quart import Blueprint
from quart_schema import validate_response

from node import clock
from node.http_state import current_node
from node.services.network import Figures, NetworkFigures, network_figures

blueprint = Blueprint("network", __name__, url_prefix="/api/v1")


class FiguresOut(BaseModel):
    members: dict[str, int]
    members_total: int
    open_actions: int
    fulfilled_actions: int
    rounds_this_month: int


class NodeFiguresOut(FiguresOut):
    domain: str
    name: str
    local: bool
    share: float  # this node's part of the network's members, 0..1
    updated_at: datetime | None  # when a partner's figures were read (None: live, this node)


class NetworkOut(BaseModel):
    total: FiguresOut
    member_kinds_share: dict[str, float]
    nodes: list[NodeFiguresOut]


def _figures(f: Figures) -> FiguresOut:
    return FiguresOut(
        members=f.members,
        members_total=f.member_total,
        open_actions=f.open_actions,
        fulfilled_actions=f.fulfilled_actions,
        rounds_this_month=f.rounds_this_month,
    )


def network_out(figures: NetworkFigures) -> NetworkOut:
    return NetworkOut(
        total=_figures(figures.total),
        member_kinds_share={kind: figures.kind_share(kind) for kind in figures.total.members},
        nodes=[
            NodeFiguresOut(
                domain=node.domain,
                name=node.name,
                local=node.local,
                share=node.share,
                updated_at=node.fetched_at,
                **_figures(node.figures).model_dump(),
            )
            for node in figures.nodes
        ],
    )


@blueprint.get("/network/stats")
@validate_response(NetworkOut)
async def network_stats() -> tuple[NetworkOut, int, dict[str, str]]:
    """Members by kind, open and fulfilled actions and rounds this month, summed over this node
    and its partner nodes (each one's last published figures), with each node's share."""
    settings = current_node().settings
    figures = await network_figures(settings.domain, settings.node_name, clock.now())
    return network_out(figures), 200, {"Cache-Control": "public, max-age=60"}
