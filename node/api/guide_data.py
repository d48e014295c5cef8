"""API routes: the guide's open data in and out, and the printed guide.

- ``POST /api/v1/admin/places/import`` (node admins): data·inclusion structures and services
  (JSON or CSV) and Soliguide JSON, as ``multipart/form-data`` files (any number, field
  ``files``) or one file as the raw body; answers the import report.
- ``GET /api/v1/places/export/{structures|services}.{json|csv}``: the node's own places in the
  data·inclusion schema v1 (public: places are organisations and their addresses are public).
- ``GET /api/v1/places/guide.pdf``: the printed guide of an area.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from pydantic import Field
from quart import Blueprint, Response, request
from quart_schema import security_scheme, validate_querystring

from node import clock
from node.api.deps import require_node_admin
from node.api.types import BEARER, QueryLat, QueryLon, Strict
from node.errors import Unprocessable
from node.http_state import current_node
from node.services import guide_places, ratelimit
from node.services.guide_data import datainclusion, printed
from node.services.guide_data.datainclusion import DataFileError

blueprint = Blueprint("guide_data", __name__, url_prefix="/api/v1")

MAX_FILES = 10
PDFS_PER_MINUTE = 10


@blueprint.post("/admin/places/import")
@security_scheme(BEARER)
async def import_places() -> tuple[dict[str, object], int]:
    """Import open-data files; 401 without a token, 403 for a member who is no node admin,
    413 past the node's body limit, 422 for a file that is no data·inclusion or Soliguide file
    at all (nothing imported). Refused rows are in the report, the others are imported."""
    await require_node_admin()
    files: list[tuple[str, bytes]] = []
    if request.mimetype == "multipart/form-data":
        uploads = (await request.files).getlist("files")
        if len(uploads) > MAX_FILES:
            raise Unprocessable.field("files", f"At most {MAX_FILES} files at once.")
        files = [(upload.filename or "file", upload.read()) for upload in uploads]
    else:
        raw = await request.get_data(as_text=False)
        files = [("body", raw if isinstance(raw, bytes) else raw.encode())]
    if not files or not any(data for _, data in files):
        raise Unprocessable.field("files", "Send at least one file.")
    try:
        report = await guide_places.import_files(current_node(), files)
    except DataFileError as error:
        raise Unprocessable.field("files", str(error)) from None
    return report.as_dict(), 200


@blueprint.get("/places/export/<any(structures, services):kind>.<any(json, csv):fmt>")
async def export_places(kind: str, fmt: str) -> Response:
    """The node's places in the data·inclusion schema v1 (validated by the tests)."""
    node = current_node()
    records = await guide_places.export_records(node)
    name = "structure" if kind == "structures" else "service"
    writer = datainclusion.structure_row if name == "structure" else datainclusion.service_row
    rows = [writer(record) for record in records]
    if fmt == "json":
        body, content_type = datainclusion.to_json(rows), "application/json"
    else:
        body, content_type = datainclusion.to_csv(name, rows), "text/csv; charset=utf-8"
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{kind}.{fmt}"'
    return response


class GuideQuery(Strict):
    lat: QueryLat
    lon: QueryLon
    radius_km: float = Field(2.0, gt=0, le=20)
    category: str = Field(
        "", max_length=200, pattern=r"^[a-z_,]*$", description="Categories, comma-separated"
    )
    size: str = Field("A4", pattern="^A[45]$")
    large: bool = False
    lang: str = Field("fr", pattern="^(fr|en)$")
    area: str = Field("", max_length=80)
    partners: bool = Field(True, description="Include partner nodes' places (guide scope)")


@blueprint.get("/places/guide.pdf")
@validate_querystring(GuideQuery)
async def guide_pdf(query_args: GuideQuery) -> Response:
    """A printable PDF of the places around a point (A4/A5, large print, FR/EN)."""
    node = current_node()
    # A PDF costs the node a fraction of a second: a few per minute and address.
    await ratelimit.check(f"guide-pdf:ip:{request.remote_addr or 'unknown'}", PDFS_PER_MINUTE)
    entries = await guide_places.guide_entries(
        node,
        lat=query_args.lat,
        lon=query_args.lon,
        radius_km=query_args.radius_km,
        categories=[c for c in query_args.category.split(",") if c],
        language=query_args.lang,
        partners=query_args.partners,
    )
    pdf = printed.guide_pdf(
        entries,
        area=query_args.area or node.settings.node_name,
        day=clock.now().astimezone(ZoneInfo(node.settings.timezone)).date(),
        size=query_args.size,
        large=query_args.large,
        language=query_args.lang,
    )
    response = Response(pdf, content_type="application/pdf")
    response.headers["Content-Disposition"] = 'inline; filename="guide.pdf"'
    return response
