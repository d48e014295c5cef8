"""Node information for clients: name, kind, area, version."""

from __future__ import annotations

from pydantic import BaseModel
from quart import Blueprint
from quart_schema import validate_response

from node import __version__
from node.http_state import current_node

blueprint = Blueprint("meta", __name__, url_prefix="/api/v1")


class NodeInfoOut(BaseModel):
    name: str
    kind: str
    version: str
    default_language: str
    area_lat: float
    area_lon: float
    area_radius_km: float


@blueprint.get("/node")
@validate_response(NodeInfoOut)
async def node_info() -> NodeInfoOut:
    """What this node is: its name, kind (city or association) and area."""
    settings = current_node().settings
    return NodeInfoOut(
        name=settings.node_name,
        kind=settings.node_kind,
        version=__version__,
        default_language=settings.default_language,
        area_lat=settings.area_lat,
        area_lon=settings.area_lon,
        area_radius_km=settings.area_radius_km,
    )
