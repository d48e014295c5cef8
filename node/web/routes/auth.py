"""Sign-up, the phone code, log-in and log-out.

Sign-up texts a 6-digit code (the same service as the API); entering it verifies the number and
opens the session. Log-in is phone + password; an account whose phone is not verified yet is
sent to the code page with a fresh code.
"""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, flash, request, session, url_for

from node.errors import Problem, Unauthorized, Unprocessable
from node.http_state import current_node
from node.models import MemberKind
from node.services import login_throttle, members, ratelimit
from node.services.charter_text import charter_in_force
from node.web import context
from node.web.context import gettext as _
from node.web.forms import FormErrors, render, safe_next, see_other, text

blueprint = Blueprint("web_auth", __name__)

DEVICE_COOKIE = "device"
KINDS = (MemberKind.RESIDENT, MemberKind.PERSON_IN_NEED, MemberKind.ASSOCIATION)


async def _limit(name: str) -> None:
    """The API's rate limits, shared (same keys): per client address."""
    ip = request.remote_addr or "unknown"
    await ratelimit.check(f"{name}:ip:{ip}", current_node().settings.rate_limit_per_minute)


async def _limit_phone(name: str, raw_phone: str) -> None:
    phone = members.normalise_phone(raw_phone)
    await ratelimit.check(f"{name}:phone:{phone}", current_node().settings.rate_limit_per_minute)


async def _signup_page(status: int, values: Any, errors: FormErrors) -> Response:
    charter = await charter_in_force()
    return await render(
        "signup.html",
        status,
        values=values,
        errors=errors,
        kinds=KINDS,
        charter_text=charter.text(context.language()),
        charter_version=charter.version,
    )


@blueprint.get("/signup")
async def signup() -> Response:
    return await _signup_page(200, {"kind": "resident"}, FormErrors())


@blueprint.post("/signup")
async def signup_post() -> Response:
    form = await request.form
    node = current_node()
    try:
        await _limit("signup")
        kind = text(form, "kind", 20)
        if kind not in {k.value for k in KINDS}:
            raise Unprocessable.field("kind", "Choose one of the list.")
        if text(form, "password", 200) != text(form, "password_again", 200):
            raise Unprocessable.field("password_again", "The two passwords differ.")
        if form.get("accept_charter") != "yes":
            raise Unprocessable.field("accept_charter", "Tick the box to accept the charter.")
        version = text(form, "charter_version", 9)
        result = await members.sign_up(
            node,
            phone=text(form, "phone", 40),
            email=text(form, "email", 254),
            password=text(form, "password", 200),
            pseudonym=text(form, "pseudonym", 50) or None,
            kind=MemberKind(kind),
            charter_version=int(version)
            if version.isdigit()
            else (await charter_in_force()).version,
        )
    except Problem as exc:
        return await _signup_page(exc.status, form, FormErrors.from_problem(exc))
    session["pending_phone"] = result.phone
    return see_other(url_for("web_auth.verify"))


@blueprint.get("/verify")
async def verify() -> Response:
    values = {"phone": session.get("pending_phone", "")}
    return await render("verify.html", values=values, errors=FormErrors())


@blueprint.post("/verify")
async def verify_post() -> Response:
    form = await request.form
    try:
        await _limit("verify")
        phone = text(form, "phone", 40)
        await _limit_phone("verify", phone)
        code = text(form, "code", 20).replace(" ", "")
        if not (len(code) == 6 and code.isdigit()):
            raise Unprocessable.field("code", "The code has 6 digits.")
        member = await members.verify_phone(phone, code, current_node())
    except Problem as exc:
        return await render(
            "verify.html", exc.status, values=form, errors=FormErrors.from_problem(exc)
        )
    await context.log_in(member)
    await flash(_("Your phone number is verified. Welcome!"))
    return see_other("/")


@blueprint.post("/verify/resend")
async def resend() -> Response:
    form = await request.form
    phone = text(form, "phone", 40)
    try:
        await _limit("resend")
        await _limit_phone("resend", phone)
        await members.resend_phone_code(phone, current_node())
    except Problem as exc:
        return await render(
            "verify.html", exc.status, values=form, errors=FormErrors.from_problem(exc)
        )
    session["pending_phone"] = phone
    await flash(_("If this number awaits verification, a new code was sent."))
    return see_other(url_for("web_auth.verify"))


@blueprint.get("/login")
async def login() -> Response:
    values: dict[str, Any] = {"next": safe_next(request.args.get("next"))}
    return await render("login.html", values=values, errors=FormErrors())


@blueprint.post("/login")
async def login_post() -> Response:
    form = await request.form
    target = safe_next(form.get("next"))
    node = current_node()
    try:
        await _limit("login")
        phone = text(form, "phone", 40)
        try:
            await _limit_phone("login", phone)
        except Unprocessable:
            raise Unauthorized("Wrong phone number or password.") from None
        member = await members.authenticate(
            phone,
            str(form.get("password", ""))[:200],
            node=node,
            device=request.cookies.get(DEVICE_COOKIE),
        )
    except Problem as exc:
        values = {"phone": form.get("phone", ""), "next": target}
        return await render(
            "login.html", exc.status, values=values, errors=FormErrors.from_problem(exc)
        )
    if not member.is_verified:
        try:
            await members.send_phone_code(member, node)
        except Problem as exc:  # past the SMS caps
            values = {"phone": form.get("phone", ""), "next": target}
            return await render(
                "login.html", exc.status, values=values, errors=FormErrors.from_problem(exc)
            )
        session["pending_phone"] = member.phone
        await flash(_("Enter the code we just texted you to finish your sign-up."))
        return see_other(url_for("web_auth.verify"))
    await context.log_in(member)
    response = see_other(target)
    # This browser is now a known device of the account: others' failures do not lock it out.
    response.set_cookie(
        DEVICE_COOKIE,
        login_throttle.device_token(member.id, node.secret),
        max_age=365 * 86400,
        httponly=True,
        secure=node.settings.secure_cookies,
        samesite="Lax",
    )
    return response


@blueprint.post("/logout")
async def logout() -> Response:
    await context.log_out()
    await flash(_("You are logged out."))
    return see_other("/")
