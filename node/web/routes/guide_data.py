"""Web pages of the guide's open data and paper: the admin's import page (upload files, see
the report) and the printed guide (choose a place, categories, size; download the PDF)."""

from __future__ import annotations

from typing import Any

from quart import Blueprint, Response, g, request

from node import clock
from node.http_state import current_node
from node.services import admins, guide_places, ratelimit
from node.services.gazetteer import node_gazetteer
from node.services.guide_data import printed
from node.services.guide_data.datainclusion import DataFileError
from node.services.guide_data.records import CATEGORIES
from node.web import nav
from node.web.context import gettext as _
from node.web.forms import FormErrors, checked, login_required, member, render, text
from node.web.nav import N_

blueprint = Blueprint("web_guide_data", __name__)

MAX_FILES = 10
RADII = ("1", "2", "5")
PDFS_PER_MINUTE = 10
CATEGORY_LABELS = {
    "food": N_("Food"),
    "shelter": N_("Shelter"),
    "shower": N_("Showers"),
    "laundry": N_("Laundry"),
    "toilets": N_("Toilets"),
    "day_centre": N_("Day centres"),
    "health": N_("Health care"),
    "dental": N_("Dental care"),
    "domiciliation": N_("Postal address (domiciliation)"),
    "luggage": N_("Luggage storage"),
    "water": N_("Drinking water"),
    "charging": N_("Phone charging"),
}


async def _import_page(status: int = 200, **extra: Any) -> Response:
    extra.setdefault("errors", FormErrors())
    return await render("guide_import.html", status, **extra)


@blueprint.get("/admin/places/import")
@login_required
async def import_form() -> Response:
    admins.require_node_admin(member())
    return await _import_page()


@blueprint.post("/admin/places/import")
@login_required
async def import_files() -> Response:
    admins.require_node_admin(member())
    uploads = [u for u in (await request.files).getlist("files") if u.filename]
    if not uploads or len(uploads) > MAX_FILES:
        message = _("Choose between 1 and %(count)s files.", count=MAX_FILES)
        return await _import_page(422, errors=FormErrors(fields={"files": message}))
    files = [(upload.filename or "file", upload.read()) for upload in uploads]
    try:
        report = await guide_places.import_files(current_node(), files)
    except DataFileError as error:
        message = _("This file cannot be read: %(reason)s", reason=str(error))
        return await _import_page(422, errors=FormErrors(fields={"files": message}))
    return await _import_page(report=report)


def _print_options(form: Any) -> dict[str, Any]:
    return {
        "where": text(form, "where", 80),
        "categories": [c for c in form.getlist("category") if c in CATEGORIES],
        "size": "A5" if form.get("size") == "A5" else "A4",
        "large": checked(form, "large"),
        "lang": "en" if form.get("lang") == "en" else "fr",
        "radius": form.get("radius") if form.get("radius") in RADII else "2",
        # Ticked on the blank form; a submitted form says it by the box.
        "partners": checked(form, "partners") or "where" not in form,
    }


@blueprint.get("/guide/print")
async def print_form() -> Response:
    """Without ``where``: the form. With it: the PDF of the places around that place."""
    args = request.args
    options = _print_options(args)
    context: dict[str, Any] = {
        "options": options,
        "radii": RADII,
        "labels": CATEGORY_LABELS,
        "categories": CATEGORIES,
    }
    if "where" not in args:
        options["lang"] = g.get("lang", "fr")
        return await render("guide_print.html", errors=FormErrors(), **context)
    node = current_node()
    # A PDF costs the node a fraction of a second: a few per minute and address.
    await ratelimit.check(f"guide-pdf:ip:{request.remote_addr or 'unknown'}", PDFS_PER_MINUTE)
    found = node_gazetteer(node.settings).find(options["where"]) if options["where"] else None
    if found is None:
        message = _("Unknown place: type a district, a postcode or a station.")
        return await render(
            "guide_print.html", 422, errors=FormErrors(fields={"where": message}), **context
        )
    entries = await guide_places.guide_entries(
        node,
        lat=found.lat,
        lon=found.lon,
        radius_km=float(options["radius"]),
        categories=options["categories"],
        language=options["lang"],
        partners=options["partners"],
    )
    pdf = printed.guide_pdf(
        entries,
        area=found.name,
        day=clock.now().date(),
        size=options["size"],
        large=options["large"],
        language=options["lang"],
    )
    response = Response(pdf, content_type="application/pdf")
    response.headers["Content-Disposition"] = 'inline; filename="guide.pdf"'
    return response


async def _load_section(viewer: Any) -> dict[str, Any] | None:
    return {}


nav.ADMIN_SECTIONS.append(nav.Section("admin/_guide_data.html", _load_section))
