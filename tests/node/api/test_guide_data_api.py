"""The guide's open data over the API: admins import (report, idempotence, every refusal),
anyone exports in the data·inclusion schema and downloads the printed guide."""

from __future__ import annotations

import json
import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

from node import clock
from node.http_state import EntraideApp
from node.services.guide_data import datainclusion
from tests.factories import datainclusion_rows, make_member

URL = "/api/v1/admin/places/import"


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def _multipart(files: list[tuple[str, bytes]]) -> dict[str, Any]:
    """A multipart/form-data body with several files under ``files``, as a browser sends it."""
    boundary = "----guide-data-test"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
        for name, data in files
    ]
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


async def _upload(client: Any, headers: dict[str, str], files: list[tuple[str, bytes]]) -> Any:
    body = _multipart(files)
    return await client.post(
        URL, data=body["data"], headers={**headers, "Content-Type": body["content_type"]}
    )


async def test_only_node_admins_import(app: EntraideApp, client: Any) -> None:
    body = json.dumps(datainclusion_rows(3).services).encode()
    assert (
        await client.post(URL, data=body, headers={"Content-Type": "application/json"})
    ).status_code == 401
    _, member = await make_member(app)
    response = await client.post(
        URL, data=body, headers={**member, "Content-Type": "application/json"}
    )
    assert response.status_code == 403


async def test_an_admin_imports_both_files_and_gets_the_report(
    app: EntraideApp, client: Any
) -> None:
    _, admin = await make_member(app, admin=True)
    data = datainclusion_rows(50)
    files = [
        ("structures.csv", datainclusion.to_csv("structure", data.structures)),
        ("services.json", json.dumps(data.services).encode()),
    ]
    first = await _upload(client, admin, files)
    assert first.status_code == 200, await first.get_data(as_text=True)
    report = await first.get_json()
    assert (report["rows"], report["created"], report["unchanged"]) == (100, len(data.kept), 0)
    assert {(r["row"], r["field"]) for r in report["rejected"]} == data.refused
    again = await (await _upload(client, admin, files)).get_json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, len(data.kept))

    exported = await client.get("/api/v1/places/export/services.json")
    assert exported.status_code == 200
    rows = await exported.get_json()
    assert {row["id"] for row in rows} == data.kept
    assert all(datainclusion.schema_errors("service", row) == [] for row in rows)
    as_csv = await client.get("/api/v1/places/export/structures.csv")
    assert as_csv.content_type.startswith("text/csv")
    reread = datainclusion.read(
        [("s.csv", await as_csv.get_data()), ("v.json", json.dumps(rows).encode())]
    )
    assert reread.rejections == [] and len(reread.records) == len(data.kept)


async def test_a_file_that_is_no_open_data_is_a_422_and_nothing_is_imported(
    app: EntraideApp, client: Any
) -> None:
    _, admin = await make_member(app, admin=True)
    good = json.dumps(datainclusion_rows(5).services).encode()
    response = await _upload(client, admin, [("a.json", good), ("b.json", b"[1, 2")])
    assert response.status_code == 422
    assert "b.json" in (await response.get_json())["detail"]
    exported = await (await client.get("/api/v1/places/export/services.json")).get_json()
    assert exported == []
    empty = await client.post(URL, data=b"", headers={**admin, "Content-Type": "application/json"})
    assert empty.status_code == 422


async def test_an_upload_past_the_body_limit_is_a_413(node_factory: Any) -> None:
    app = await node_factory("small", max_body_bytes=4096)
    _, admin = await make_member(app, admin=True)
    body = json.dumps(datainclusion_rows(40).services).encode()
    response = await app.test_client().post(
        URL, data=body, headers={**admin, "Content-Type": "application/json"}
    )
    assert response.status_code == 413


async def test_the_printed_guide_holds_the_places_and_today_s_hours(
    app: EntraideApp, client: Any, tmp_path: Path
) -> None:
    _, admin = await make_member(app, admin=True)
    data = datainclusion_rows(12)
    files = [
        ("st.json", json.dumps(data.structures).encode()),
        ("se.json", json.dumps(data.services).encode()),
    ]
    await _upload(client, admin, files)
    response = await client.get(
        "/api/v1/places/guide.pdf",
        query_string={
            "lat": 48.8566,
            "lon": 2.3522,
            "radius_km": 10,
            "category": "luggage",
            "size": "A5",
        },
    )
    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    path = tmp_path / "guide.pdf"
    path.write_bytes(await response.get_data())
    text = _pdf_text(path)
    assert "Bagagerie solidaire 1" in text and "Bagagerie solidaire 7" in text
    assert "Bains-douches" not in text
    assert "Aujourd'hui" in text
    bad = await client.get("/api/v1/places/guide.pdf", query_string={"lat": 100, "lon": 2})
    assert bad.status_code in (400, 422)


async def test_printing_is_capped_per_address(app: EntraideApp, client: Any) -> None:
    # At the start of a minute, so that the limit's window does not turn during the test.
    now = clock.now()
    app.node.clock.advance(timedelta(seconds=60.5 - now.second - now.microsecond / 1e6))
    query = {"lat": 48.8566, "lon": 2.3522}
    for _ in range(10):
        assert (await client.get("/api/v1/places/guide.pdf", query_string=query)).status_code == 200
    capped = await client.get("/api/v1/places/guide.pdf", query_string=query)
    assert capped.status_code == 429 and "Retry-After" in capped.headers
