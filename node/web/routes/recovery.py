"""A forgotten password: ask for a code by SMS or a link by mail, then choose a new password.

The pages say the same whatever the number or address (no one learns here who has an account);
the new password ends every session and token of the account.
"""

from __future__ import annotations

from quart import Blueprint, Response, flash, request, session, url_for

from node.errors import Problem, Unprocessable
from node.http_state import current_node
from node.services import phone_change, ratelimit, recovery
from node.web.context import gettext as _
from node.web.forms import FormErrors, render, see_other, text

blueprint = Blueprint("web_recovery", __name__)


async def _limit(name: str) -> None:
    ip = request.remote_addr or "unknown"
    await ratelimit.check(f"{name}:ip:{ip}", current_node().settings.rate_limit_per_minute)


@blueprint.get("/password/forgot")
async def forgot() -> Response:
    return await render("password_forgot.html", values={}, errors=FormErrors())


@blueprint.post("/password/forgot")
async def forgot_post() -> Response:
    form = await request.form
    phone, email = text(form, "phone", 40), text(form, "email", 254)
    try:
        await _limit("reset")
        await recovery.request_reset(current_node(), phone=phone or None, email=email or None)
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
        return await render("password_forgot.html", exc.status, values=form, errors=errors)
    if phone:
        session["reset_phone"] = phone
        return see_other(url_for("web_recovery.reset"))
    return await render("password_sent.html")


@blueprint.get("/password/reset")
async def reset() -> Response:
    token = request.args.get("token", "")[:200]
    if token:
        try:
            await recovery.check_link(token)
        except Problem as exc:
            errors = FormErrors.from_problem(exc)
            return await render("password_forgot.html", exc.status, values={}, errors=errors)
    values = {"phone": session.get("reset_phone", ""), "token": token}
    return await render("password_reset.html", values=values, errors=FormErrors())


@blueprint.post("/password/reset")
async def reset_post() -> Response:
    form = await request.form
    token = text(form, "token", 200)
    try:
        await _limit("reset-confirm")
        password = text(form, "password", 200)
        if password != text(form, "password_again", 200):
            raise Unprocessable.field("password_again", "The two passwords differ.")
        await recovery.confirm_reset(
            current_node(),
            password=password,
            phone=text(form, "phone", 40) or None,
            code=text(form, "code", 20) or None,
            token=token or None,
        )
    except Problem as exc:
        values = {"phone": text(form, "phone", 40), "token": token}
        errors = FormErrors.from_problem(exc)
        return await render("password_reset.html", exc.status, values=values, errors=errors)
    session.pop("reset_phone", None)
    await flash(_("Your password is changed. Log in with it; every other device is logged out."))
    return see_other(url_for("web_auth.login"))


@blueprint.get("/phone/lost")
async def phone_lost() -> Response:
    return await render("phone_lost.html", values={}, errors=FormErrors())


@blueprint.post("/phone/lost")
async def phone_lost_post() -> Response:
    form = await request.form
    try:
        await _limit("phone-change")
        await phone_change.request_change(
            current_node(), email=text(form, "email", 254), new_phone=text(form, "new_phone", 40)
        )
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
        return await render("phone_lost.html", exc.status, values=form, errors=errors)
    return await render("password_sent.html")


@blueprint.get("/phone/change")
async def phone_change_page() -> Response:
    values = {"token": request.args.get("token", "")[:200]}
    return await render("phone_change.html", values=values, errors=FormErrors())


@blueprint.post("/phone/change")
async def phone_change_post() -> Response:
    form = await request.form
    token = text(form, "token", 200)
    try:
        await _limit("phone-change-confirm")
        row = await phone_change.confirm_change(
            current_node(), token=token, code=text(form, "code", 20)
        )
    except Problem as exc:
        errors = FormErrors.from_problem(exc)
        return await render("phone_change.html", exc.status, values={"token": token}, errors=errors)
    assert row.effective_at is not None
    await flash(
        _(
            "Your account moves to the new number in %(hours)s hours.",
            hours=current_node().settings.phone_change_delay_hours,
        )
    )
    return see_other(url_for("web_auth.login"))


@blueprint.get("/phone/cancel")
async def phone_cancel() -> Response:
    values = {"code": request.args.get("code", "")[:20]}
    return await render("phone_cancel.html", values=values, errors=FormErrors())


@blueprint.post("/phone/cancel")
async def phone_cancel_post() -> Response:
    form = await request.form
    try:
        await phone_change.cancel_change(text(form, "code", 20))
    except Problem as exc:
        values = {"code": text(form, "code", 20)}
        return await render(
            "phone_cancel.html", exc.status, values=values, errors=FormErrors.from_problem(exc)
        )
    await flash(_("The change of number is cancelled."))
    return see_other(url_for("web_auth.login"))
