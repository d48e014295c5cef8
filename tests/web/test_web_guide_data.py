"""The guide's pages: an admin uploads data·inclusion files and reads the report (French
first); anyone prints the guide of a district as a PDF; a member who is no admin is refused."""

from __future__ import annotations

import html
import json
import subprocess
from pathlib import Path
from typing import Any

from node.http_state import EntraideApp
from node.services.guide_data import datainclusion
from tests.factories import datainclusion_rows
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
PAGE = "/admin/places/import"


def _multipart(fields: dict[str, str], files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "----guide-web-test"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts += [
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
        for name, data in files
    ]
    return b"".join(
        parts
    ) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


async def test_an_admin_uploads_files_and_reads_the_report(
    app: EntraideApp, make_member: Any
) -> None:
    client = await log_in(app, make_member, admin=True)
    admin_page = html.unescape(
        await (await client.get("/admin", headers=FR)).get_data(as_text=True)
    )
    assert "Importer des lieux" in admin_page and "Imprimer le guide" in admin_page
    data = datainclusion_rows(30)
    token = await csrf_of(client, PAGE)
    body, content_type = _multipart(
        {"csrf_token": token},
        [
            ("structures.csv", datainclusion.to_csv("structure", data.structures)),
            ("services.json", json.dumps(data.services).encode()),
        ],
    )
    response = await client.post(PAGE, data=body, headers={**FR, "Content-Type": content_type})
    assert response.status_code == 200
    page = html.unescape(await response.get_data(as_text=True))
    assert "Lieux créés" in page and f"<dd>{len(data.kept)}</dd>" in page
    assert "Lignes refusées et pourquoi" in page
    assert "services.json" in page and "nom" in page  # row 10: a name too short

    nothing, content_type = _multipart({"csrf_token": token}, [])
    refused = await client.post(PAGE, data=nothing, headers={**FR, "Content-Type": content_type})
    assert refused.status_code == 422
    assert "Choisissez entre 1 et 10 fichiers." in html.unescape(
        await refused.get_data(as_text=True)
    )


async def test_a_member_who_is_no_admin_cannot_import(app: EntraideApp, make_member: Any) -> None:
    client = await log_in(app, make_member)
    assert (await client.get(PAGE)).status_code == 403


async def test_anyone_prints_the_guide_of_a_district(
    app: EntraideApp, make_member: Any, tmp_path: Path
) -> None:
    admin = await log_in(app, make_member, admin=True)
    data = datainclusion_rows(12)
    token = await csrf_of(admin, PAGE)
    body, content_type = _multipart(
        {"csrf_token": token},
        [("s.json", json.dumps(data.structures + data.services).encode())],
    )
    assert (
        await admin.post(PAGE, data=body, headers={"Content-Type": content_type})
    ).status_code == 200
    client = app.test_client()
    form = html.unescape(
        await (await client.get("/guide/print", headers=FR)).get_data(as_text=True)
    )
    assert "Imprimer le guide" in form and "Gros caractères" in form
    response = await client.get(
        "/guide/print",
        query_string={"where": "Paris 4e", "category": "shower", "size": "A5", "radius": "5"},
        headers=FR,
    )
    assert response.status_code == 200 and response.content_type == "application/pdf"
    path = tmp_path / "guide.pdf"
    path.write_bytes(await response.get_data())
    text = _pdf_text(path)
    assert "Guide solidaire — Paris 4e" in text
    assert "Bains-douches 6" in text and "Bagagerie" not in text
    unknown = await client.get("/guide/print", query_string={"where": "Tombouctou"}, headers=FR)
    assert unknown.status_code == 422
    assert "Lieu inconnu" in html.unescape(await unknown.get_data(as_text=True))
