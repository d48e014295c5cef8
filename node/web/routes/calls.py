"""Calls for help on the web: an association's coordinators post, edit, close and thank;
anyone reads a call (answering it is in :mod:`node.web.routes.call_answers`). Plain forms:
everything works without JavaScript."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from quart import Blueprint, Response, flash, request, url_for

from node import clock
from node.errors import NotFound, Problem, TooManyRequests, Unprocessable
from node.http_state import current_node
from node.models import Association, CallKind
from node.services import word_list
from node.services.calls import (
    audience,
    follows,
    messages,
    occurrences,
    posting,
    reading,
    recurrence,
    remote_follows,
)
from node.services.gazetteer import node_gazetteer
from node.services.inputs import parse
from node.services.inputs.calls import CallChanges, CallIn, CallMessageIn, MyAreaIn, ThanksIn
from node.web import call_forms
from node.web.association_calls import association_url, partner_follow
from node.web.context import current_member, ngettext
from node.web.context import gettext as _
from node.web.format import when
from node.web.forms import (
    FormErrors,
    checked,
    local_datetime,
    login_required,
    member,
    number,
    raw,
    render,
    see_other,
)

blueprint = Blueprint("web_calls", __name__)

RADII = (0.5, 1, 2, 5, 10)
DURATIONS = (1, 3, 7, 14, 30)


async def _screened(call_id: UUID, exc: word_list.ScreenedWords, which: str, form: Any) -> Response:
    """The call's page again, the form ``which`` holding what was typed and the words found."""
    return await page(call_id, 200, screened=call_forms.words(exc), screened_form=which, typed=form)


def _url(call_id: UUID) -> str:
    return url_for("web_calls.show", call_id=call_id)


async def _new_page(association: Association, status: int = 200, **extra: Any) -> Response:
    extra.setdefault("errors", FormErrors())
    extra.setdefault("values", {})
    return await render(
        "call_new.html",
        status,
        association=association,
        places=node_gazetteer(current_node().settings).places,
        radius_options=[(format(r, "g"), _("%(km)s km", km=format(r, "g"))) for r in RADII],
        duration_options=[(str(d), _("%(num)d days", num=d)) for d in DURATIONS],
        **extra,
    )


async def _coordinated(association_id: UUID) -> Association:
    association = await Association.get_or_none(id=association_id)
    if association is None or not await reading.can_coordinate(member(), association.id):
        raise Problem("Only the association's coordinators can post its calls.", status=403)
    return association


@blueprint.get("/associations/<uuid:association_id>/calls/new")
@login_required
async def new(association_id: UUID) -> Response:
    return await _new_page(await _coordinated(association_id))


@blueprint.post("/associations/<uuid:association_id>/calls")
@login_required
async def create(association_id: UUID) -> Response:
    association = await _coordinated(association_id)
    form = await request.form
    node = current_node()
    try:
        kind = raw(form, "kind")
        days = int(raw(form, "days") or 7)
        centre = call_forms.centre(form, node_gazetteer(node.settings), node.settings)
        body: dict[str, Any] = {
            "kind": kind,
            "title": raw(form, "title"),
            "body": raw(form, "body"),
            "place_name": raw(form, "place_name"),
            "opening_hours": raw(form, "opening_hours"),
            "ends_at": clock.now() + timedelta(days=days if days in DURATIONS else 7),
            "area": {
                "lat": centre[0],
                "lon": centre[1],
                "radius_km": number(form, "radius_km"),
            },
        }
        if kind == CallKind.VOLUNTEERS.value:
            body["people"] = raw(form, "people") or None
            body["skills"] = raw(form, "skills")
            body["starts_at"] = local_datetime(form, "starts_at")
            body["recurrence"] = raw(form, "recurrence") or None
        else:
            body["items"] = call_forms.items(raw(form, "items"))
        try:
            call = await posting.post_call(
                node,
                member(),
                parse(CallIn, body),
                association.id,
                confirmed_screened=checked(form, "confirm_screened"),
            )
        except Unprocessable as exc:
            if any(e.get("field", "").startswith("area") for e in exc.errors):
                # The form's only say in the area is its centre and radius.
                raise Unprocessable.field(
                    "centre", "The area must be inside the node's area: choose a nearer centre."
                ) from exc
            raise
    except word_list.ScreenedWords as exc:
        return await _new_page(association, 200, values=form, screened=call_forms.words(exc))
    except TooManyRequests as exc:
        return await _too_many(association, exc, form)
    except (Problem, ValueError) as exc:
        problem = exc if isinstance(exc, Problem) else Unprocessable.field("days", str(exc))
        errors = FormErrors.from_problem(problem)
        return await _new_page(association, problem.status, errors=errors, values=form)
    await flash(_("Your call is posted."))
    return see_other(_url(call.id))


async def _too_many(association: Association, exc: TooManyRequests, form: Any) -> Response:
    """The association's calls of the day are used up: when it may post again, in words for
    the coordinator and in ``Retry-After`` (RFC 9110 §10.2.3) for their browser."""
    retry = exc.headers.get("Retry-After", "")
    again = clock.now() + timedelta(seconds=int(retry)) if retry.isdigit() else None
    limit = current_node().settings.calls_per_association_day
    errors = FormErrors(
        general=ngettext(
            "Your association already posted %(num)d call in the last 24 hours: people's "
            "attention is precious. You can post the next one %(when)s.",
            "Your association already posted %(num)d calls in the last 24 hours: people's "
            "attention is precious. You can post the next one %(when)s.",
            limit,
            when=when(again),
        )
    )
    response = await _new_page(association, 429, errors=errors, values=form)
    response.headers.update(exc.headers)
    return response


async def page(call_id: UUID, status: int = 200, **extra: Any) -> Response:
    viewer = current_member()
    call = await reading.get_call(call_id, viewer)
    association_id = call.association_id  # type: ignore[attr-defined]
    manager = call.origin_domain is None and await reading.can_coordinate(viewer, association_id)
    extra.setdefault("errors", FormErrors())
    extra.setdefault("screened", [])
    extra.setdefault("screened_form", "")
    extra.setdefault("typed", {})
    talking = viewer is not None and await messages.can_talk(viewer, call)
    respondents = await reading.respondents(call, viewer) if manager and viewer else []
    refused = await reading.refused_answers(call, viewer) if manager and viewer else []
    dates = await occurrences.places(call, current_node().settings.timezone, viewer)
    items = await reading.items_of(call)
    if dates and items:  # a repeating call's one quantity: what its next date still needs
        items[0].remaining = dates[0].remaining
    return await render(
        "call.html",
        status,
        call=call,
        status_now=reading.effective_status(call),
        items=items,
        answer_count=await reading.answer_count(call),
        mine=await reading.my_answer(call, viewer),
        manager=manager,
        respondents=respondents,
        refused=refused,
        talking=talking,
        remote_follow=await partner_follow(viewer, call),
        association_url=await association_url(call),
        next_dates=recurrence.next_dates(call, current_node().settings.timezone),
        occurrences=dates,
        conversation=await messages.conversation(viewer, call.id) if talking and viewer else [],
        duration_options=[("", _("Keep the end date"))]
        + [(str(d), _("%(num)d days from now", num=d)) for d in DURATIONS],
        recipients=[("", _("Everyone who answered"))] + [(str(r.id), r.name) for r in respondents],
        **extra,
    )


@blueprint.get("/calls/<uuid:call_id>")
async def show(call_id: UUID) -> Response:
    return await page(call_id)


@blueprint.post("/calls/<uuid:call_id>/edit")
@login_required
async def edit(call_id: UUID) -> Response:
    form = await request.form
    try:
        values: dict[str, Any] = {
            name: raw(form, name)
            for name in ("title", "body", "place_name", "opening_hours")
            if name in form
        }
        days = raw(form, "days").strip()
        if days:
            if not days.isdigit() or int(days) not in DURATIONS:
                raise Unprocessable.field("days", "Choose one of the durations offered.")
            values["ends_at"] = clock.now() + timedelta(days=int(days))
        quantities = []
        for item in await reading.items_of(await reading.get_call(call_id, current_member())):
            wanted = raw(form, f"wanted-{item.id}").strip()
            if wanted:
                if not wanted.isdigit():
                    raise Unprocessable.field("quantities", "Enter a whole number.")
                quantities.append({"item_id": item.id, "wanted": int(wanted)})
        if quantities:
            values["quantities"] = quantities
        changes = parse(CallChanges, values)
        await posting.edit_call(
            current_node(),
            member(),
            call_id,
            changes,
            confirmed_screened=checked(form, "confirm_screened"),
        )
    except word_list.ScreenedWords as exc:
        return await _screened(call_id, exc, "edit", form)
    except Problem as exc:
        return await page(call_id, exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("The call is changed; the people who answered are told."))
    return see_other(_url(call_id))


@blueprint.post("/calls/<uuid:call_id>/close")
@login_required
async def close(call_id: UUID) -> Response:
    form = await request.form
    try:
        cancel = raw(form, "cancel") == "1"
        await posting.close_call(current_node(), member(), call_id, cancel=cancel)
    except Problem as exc:
        return await page(call_id, exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("The call is closed."))
    return see_other(_url(call_id))


@blueprint.post("/calls/<uuid:call_id>/thanks")
@login_required
async def thanks(call_id: UUID) -> Response:
    form = await request.form
    try:
        message = parse(ThanksIn, {"message": raw(form, "message")}).message
        await posting.thank_all(
            current_node(),
            member(),
            call_id,
            message,
            confirmed_screened=checked(form, "confirm_screened"),
        )
    except word_list.ScreenedWords as exc:
        return await _screened(call_id, exc, "thanks", form)
    except Problem as exc:
        return await page(call_id, exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("Your thanks are sent to everyone who answered."))
    return see_other(_url(call_id))


@blueprint.post("/calls/<uuid:call_id>/messages")
@login_required
async def write(call_id: UUID) -> Response:
    """A coordinator's words to the respondents (all, or one), or a respondent's reply."""
    form = await request.form
    try:
        to = raw(form, "answer_id").strip()
        data = parse(
            CallMessageIn, {"body": raw(form, "body"), "answer_id": int(to) if to else None}
        )
        await messages.post(
            current_node(),
            member(),
            call_id,
            data.body,
            data.answer_id,
            confirmed_screened=checked(form, "confirm_screened"),
        )
    except word_list.ScreenedWords as exc:
        return await _screened(call_id, exc, "messages", form)
    except (Problem, ValueError) as exc:
        problem = exc if isinstance(exc, Problem) else Unprocessable.field("answer_id", str(exc))
        return await page(call_id, problem.status, errors=FormErrors.from_problem(problem))
    await flash(_("Your message is sent."))
    return see_other(_url(call_id) + "#messages")


@blueprint.post("/calls/<uuid:call_id>/delete")
@login_required
async def delete(call_id: UUID) -> Response:
    form = await request.form
    if raw(form, "confirm") != "1":
        problem = Unprocessable.field("confirm", "Tick the box to confirm.")
        return await page(call_id, problem.status, errors=FormErrors.from_problem(problem))
    try:
        await posting.delete_call(current_node(), member(), call_id)
    except Problem as exc:
        return await page(call_id, exc.status, errors=FormErrors.from_problem(exc))
    await flash(_("The call is deleted; the people who answered are told."))
    return see_other("/")


@blueprint.post("/associations/<uuid:association_id>/follow")
@login_required
async def follow(association_id: UUID) -> Response:
    form = await request.form
    if raw(form, "stop") == "1":
        await follows.unfollow(member(), association_id)
    else:
        await follows.follow(member(), association_id)
    return see_other(url_for("web_associations.show", association_id=association_id))


@blueprint.post("/calls/<uuid:call_id>/follow-association")
@login_required
async def follow_partner_association(call_id: UUID) -> Response:
    """Follow (or stop following) the partner's association that posted this call."""
    call = await reading.get_call(call_id)
    actor = call.remote_association_iri
    if actor is None:
        raise NotFound("No such call of a partner node.")
    form = await request.form
    if raw(form, "stop") == "1":
        await remote_follows.unfollow(current_node(), member(), actor)
    else:
        await remote_follows.follow(current_node(), member(), actor)
        await flash(_("You follow this association: its calls will reach you."))
    return see_other(_url(call_id))


@blueprint.post("/me/calls-area")
@login_required
async def set_area() -> Response:
    form = await request.form
    try:
        place = parse(MyAreaIn, {"lat": number(form, "lat"), "lon": number(form, "lon")})
    except Problem:
        await flash(_("We could not read this place."))
        return see_other("/")
    await audience.set_member_area(member(), place.lat, place.lon)
    await flash(_("You will hear about calls around this place."))
    return see_other("/")
