"""The page a mailed verification link opens: "Votre adresse est confirmée", in the reader's
language. The link itself is the API's (``/api/v1/members/verify-email``), which answers JSON to
API clients and sends browsers here (content negotiation on ``Accept``)."""

from __future__ import annotations

from quart import Blueprint, Response, request

from node.errors import Problem
from node.http_state import current_node
from node.services import members, ratelimit
from node.web.forms import FormErrors, render
from node.web.nav import N_

blueprint = Blueprint("web_email", __name__)

# What the members service says about a bad link (shown translated).
LINK_MESSAGES = (
    N_("This link has expired; ask for a new one."),
    N_("This link is not valid."),
    N_("This link is no longer valid."),
)


@blueprint.get("/email/verify")
async def verify() -> Response:
    node = current_node()
    limit = node.settings.rate_limit_per_minute
    await ratelimit.check(f"verify-email:ip:{request.remote_addr or 'unknown'}", limit)
    token = request.args.get("token", "")[:4096]
    try:
        await members.verify_email(token, node)
    except Problem as exc:
        return await render("email_verified.html", exc.status, errors=FormErrors.from_problem(exc))
    return await render("email_verified.html", errors=FormErrors())
