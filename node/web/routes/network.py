"""The network's figures: this node and its partners, for anyone."""

from __future__ import annotations

from typing import Any

from quart import Blueprint

from node import clock
from node.http_state import current_node
from node.services.network import MEMBER_KINDS, network_figures
from node.web.forms import render
from node.web.nav import N_

blueprint = Blueprint("web_network", __name__)

KIND_LABELS = {
    "resident": N_("Residents"),
    "association": N_("Association members"),
    "person_in_need": N_("People in precarity"),
}


@blueprint.get("/network")
async def index() -> Any:
    settings = current_node().settings
    figures = await network_figures(settings.domain, settings.node_name, clock.now())
    response = await render(
        "network.html", figures=figures, kinds=MEMBER_KINDS, kind_labels=KIND_LABELS
    )
    response.headers["Cache-Control"] = "public, max-age=60"
    return response
