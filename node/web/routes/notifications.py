"""Notifications pages: the list (mark one or all read), preferences and devices, and the
one-click unsubscribe page of the digest mails (no log-in needed)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from uuid import UUID

from quart import Blueprint, Response, flash, request, url_for

from node.errors import NotFound, Unauthorized
from node.http_sse import event_stream
from node.http_state import current_node
from node.services import live_stream, push_subscriptions
from node.services import notifications as service
from node.services.notification_kinds import CHANNELS, KINDS
from node.web.context import current_member, language
from node.web.context import gettext as _
from node.web.forms import login_required, member, render, see_other
from node.web.nav import N_

blueprint = Blueprint("web_notifications", __name__)
STATIC = Path(__file__).resolve().parents[1] / "static"


def _icon(name: str) -> str:
    return url_for("web.static", filename=f"img/{name}")


# Names of the kinds and channels on the preferences form (translated where shown).
KIND_LABELS = {
    "join_asked": N_("Someone asks to join my action"),
    "join_accepted": N_("My request to join is accepted"),
    "join_declined": N_("My request to join is declined"),
    "message_posted": N_("A new message in an action I take part in"),
    "outing_changed": N_("An outing I joined changes"),
    "outing_cancelled": N_("An outing I joined is cancelled"),
    "outing_reminder": N_("The day before an outing I joined"),
    "partnership_requested": N_("A node asks for a partnership (administrators)"),
    "association_awaiting": N_("An association waits for approval (administrators)"),
    "partner_failing": N_("A partner node no longer answers (administrators)"),
    "call_nearby": N_("A call for help near me"),
    "call_followed": N_("A call from an association I follow"),
    "call_urgent": N_("An urgent alert in my area"),
    "call_changed": N_("A call I answered changes"),
    "call_cancelled": N_("A call I answered is cancelled"),
    "call_thanks": N_("An association thanks me"),
    "call_message": N_("An association writes to me about a call I answered"),
    "call_reply": N_("Someone who answered my association's call writes"),
    "call_answer_refused": N_("A partner node's call could not count my answer"),
    "place_suggested": N_("A member suggests a change to a place I edit"),
    "place_suggestion_accepted": N_("My suggestion for a place is accepted"),
    "place_suggestion_refused": N_("My suggestion for a place is refused"),
}
CHANNEL_LABELS = {"email": N_("Mail"), "push": N_("Push"), "sms": N_("SMS")}


@blueprint.get("/notifications")
@login_required
async def index() -> Response:
    me = member()
    unread_only = request.args.get("unread") == "1"
    before = request.args.get("before", type=int)
    page = await service.list_notifications(
        me, unread_only=unread_only, before=before if before and before > 0 else None, limit=30
    )
    lang = language()
    items = [
        {
            "id": row.id,
            "text": KINDS[row.kind].text(lang, row.payload) if row.kind in KINDS else row.kind,
            "url": row.payload.get("url") or None,
            "created_at": row.created_at,
            "read": row.read_at is not None,
        }
        for row in page.items
    ]
    return await render("notifications.html", items=items, page=page, unread_only=unread_only)


@blueprint.post("/notifications/read")
@login_required
async def read() -> Response:
    form = await request.form
    me = member()
    if form.get("all"):
        await service.mark_read(me)
    else:
        ids = [int(v) for v in form.getlist("id") if v.isdigit() and len(v) < 19][:100]
        await service.mark_read(me, ids)
    target = form.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return see_other(target)
    return see_other(url_for("web_notifications.index"))


@blueprint.get("/notifications/preferences")
@login_required
async def preferences() -> Response:
    me = member()
    chosen = await service.preferences(me)
    return await render(
        "notification_preferences.html",
        chosen=chosen,
        devices=await push_subscriptions.list_subscriptions(me),
        kinds=[k for k in KINDS if k in KIND_LABELS],
        kind_labels=KIND_LABELS,
        channels=CHANNELS,
        channel_labels=CHANNEL_LABELS,
    )


@blueprint.post("/notifications/preferences")
@login_required
async def save_preferences() -> Response:
    form = await request.form
    changes = {
        kind: {channel: form.get(f"{kind}.{channel}") == "on" for channel in CHANNELS}
        for kind in KINDS
    }
    await service.set_preferences(member(), changes)
    await flash(_("Your choices are saved."))
    return see_other(url_for("web_notifications.preferences"))


@blueprint.get("/live")
async def live() -> Response:
    """The page's event stream (``static/js/live.js``); the same as ``/api/v1/stream``."""
    me = current_member()
    if me is None:
        raise Unauthorized("Log in first.")
    raw = request.args.get("action")
    try:
        action_id = UUID(raw) if raw else None
    except ValueError:
        raise NotFound("No such action.") from None
    chat = await live_stream.check_stream(me, action_id)
    return event_stream(
        live_stream.stream(
            current_node(),
            me,
            action_id=action_id,
            chat=chat,
            last_event_id=live_stream.parse_last_event_id(request.headers.get("Last-Event-ID")),
        )
    )


@blueprint.post("/notifications/devices")
@login_required
async def add_device() -> Response:
    """The page's script registers this browser's push subscription (a form post: CSRF)."""
    form = await request.form
    await push_subscriptions.subscribe(
        current_node().settings,
        member(),
        endpoint=str(form.get("endpoint", ""))[:1024],
        p256dh=str(form.get("p256dh", ""))[:200],
        auth=str(form.get("auth", ""))[:100],
        label=str(form.get("label", ""))[:100],
    )
    return Response("", status=204)


@blueprint.post("/notifications/devices/<int:subscription_id>/remove")
@login_required
async def remove_device(subscription_id: int) -> Response:
    # Already removed (a second click, another tab): the page shows what is left.
    with contextlib.suppress(NotFound):
        await push_subscriptions.unsubscribe(member(), subscription_id)
    await flash(_("The device will no longer receive push messages."))
    return see_other(url_for("web_notifications.preferences"))


@blueprint.get("/notifications/unsubscribe/<token>")
async def unsubscribe_page(token: str) -> Response:
    valid = service.member_for_unsubscribe(current_node(), token[:100]) is not None
    return await render(
        "unsubscribe.html",
        200 if valid else 404,
        token=token,
        valid=valid,
        done=request.args.get("done") == "1",
    )


# RFC 8058 one-click: mail clients POST ``List-Unsubscribe=One-Click`` here without cookies,
# so this route is outside the web blueprints' CSRF check: the signed token is the proof.
one_click = Blueprint("notifications_unsubscribe", __name__)


@one_click.post("/notifications/unsubscribe/<token>")
async def unsubscribe(token: str) -> Response:
    done = await service.unsubscribe_email(current_node(), token[:100])
    if not done:
        return Response("Unknown or invalid link.\n", status=404, content_type="text/plain")
    if "text/html" in request.headers.get("Accept", ""):
        return see_other(url_for("web_notifications.unsubscribe_page", token=token, done="1"))
    return Response("Unsubscribed.\n", status=200, content_type="text/plain")


# --- the installable web app (PWA) ------------------------------------------------------------


@blueprint.get("/manifest.webmanifest")
async def manifest() -> Response:
    """The Web App Manifest: with the service worker, browsers offer to install the site."""
    settings = current_node().settings
    body = {
        "name": settings.node_name,
        "short_name": settings.node_name[:12],
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "lang": settings.default_language,
        "background_color": "#ffffff",
        "theme_color": "#1f5f8b",
        "icons": [
            {"src": _icon("icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": _icon("icon-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return Response(
        json.dumps(body, ensure_ascii=False),
        content_type="application/manifest+json",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@blueprint.get("/sw.js")
async def service_worker() -> Response:
    """Served from the root so that its scope is the whole site; never cached for long, so
    that a new version is picked up (the browser also checks it every 24 h)."""
    body = (STATIC / "js" / "sw.js").read_text()  # read per request: small, rarely fetched
    return Response(
        body,
        content_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )
