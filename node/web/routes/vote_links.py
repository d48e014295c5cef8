"""The vote link a committee member opens from an SMS: no password, one proposal, one vote, on
a basic phone browser without JavaScript.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, request, url_for

from node.errors import Problem
from node.http_state import current_node
from node.services.committee import links
from node.web.context import gettext as _
from node.web.forms import FormErrors, render, text
from node.web.routes.committee import choice_of, labels, proposal_context

blueprint = Blueprint("web_vote_links", __name__)


@blueprint.get("/v/<code>")
async def link(code: str) -> Response:
    row = await _open_link(code)
    if isinstance(row, Response):
        return row
    context = await proposal_context(row.proposal, row.member)
    return await render(
        "committee/link.html",
        voter=row.member,
        errors=FormErrors(),
        vote_action=url_for("web_vote_links.link_vote", code=code),
        **context,
    )


async def _open_link(code: str) -> Any:
    try:
        return await links.open_link(code[:64])
    except Problem as exc:
        return await render(
            "committee/link_gone.html", exc.status, message=_(exc.detail), **labels()
        )


@blueprint.post("/v/<code>")
async def link_vote(code: str) -> Response:
    form = await request.form
    row = await _open_link(code)
    if isinstance(row, Response):
        return row
    try:
        choice = choice_of(form)
        await links.vote_with_link(current_node(), code, choice, text(form, "comment", 600))
    except links.Gone as exc:
        return await render("committee/link_gone.html", exc.status, message=_(exc.detail))
    except Problem as exc:
        context = await proposal_context(row.proposal, row.member)
        return await render(
            "committee/link.html",
            exc.status,
            voter=row.member,
            errors=FormErrors.from_problem(exc),
            vote_action=url_for("web_vote_links.link_vote", code=code),
            **context,
        )
    return await render(
        "committee/link_done.html", proposal=row.proposal, choice=choice, **labels()
    )
