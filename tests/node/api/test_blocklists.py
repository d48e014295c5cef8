"""Shared blocklists in Mastodon's CSV format: export, the public published list, import of a
Mastodon-exported file (only ``suspend`` rows block), through the street committee's gate,
and the rejections (422 not such a CSV, 413 too large)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from node.http_state import EntraideApp
from node.models import CommitteeProposal, DomainBlock
from tests.node.committee_support import seat
from tests.node.fed_support import member

SAMPLE = (Path(__file__).parents[2] / "vectors" / "mastodon_domain_blocks.csv").read_bytes()
IMPORT = "/api/v1/admin/federation/blocks/import"
CSV = {"Content-Type": "text/csv"}


async def _import(app: EntraideApp, headers: dict[str, str], body: bytes, query: str = ""):  # type: ignore[no-untyped-def]
    client = app.test_client()
    response = await client.post(IMPORT + query, data=body, headers={**headers, **CSV})
    return response.status_code, await response.get_json()


async def test_import_a_mastodon_export_then_publish_it(app: EntraideApp) -> None:
    _, admin = await member(app, "Admin", admin=True)
    status, body = await _import(app, admin, SAMPLE)
    assert status == 200, body
    assert sorted(body["blocked"]) == ["hate.example", "spam.example"]
    assert {s["domain"] for s in body["skipped"]} == {"quiet.example", "media.example"}
    with app.node.db.activate():
        block = await DomainBlock.get(domain="spam.example")
    assert block.reason == "Spam, lots of it"
    # Importing again changes nothing.
    status, body = await _import(app, admin, SAMPLE)
    assert body["blocked"] == [] and len(body["skipped"]) == 4
    # Published for partners, anonymously, in the same format Mastodon reads.
    response = await app.test_client().get("/api/v1/federation/blocklist.csv")
    assert response.status_code == 200 and response.content_type.startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(await response.get_data(as_text=True))))
    assert [r["#domain"] for r in rows] == ["hate.example", "spam.example"]
    assert rows[1]["#severity"] == "suspend" and rows[1]["#public_comment"] == "Spam, lots of it"
    exported = await app.test_client().get("/api/v1/admin/federation/blocks.csv", headers=admin)
    assert exported.status_code == 200
    assert (await exported.get_data(as_text=True)).startswith(
        "#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate\n"
    )


async def test_chosen_entries_through_the_committee(app: EntraideApp) -> None:
    await seat(app, 2)
    _, admin = await member(app, "Admin", admin=True)
    status, body = await _import(app, admin, SAMPLE, "?only=hate.example")
    assert status == 200, body
    assert body["blocked"] == [] and [p["domain"] for p in body["proposed"]] == ["hate.example"]
    with app.node.db.activate():
        assert await DomainBlock.all().count() == 0
        proposal = await CommitteeProposal.get(number=body["proposed"][0]["proposal_number"])
    assert proposal.kind == "federation.block" and proposal.change["domain"] == "hate.example"


async def test_import_rejections(app: EntraideApp) -> None:
    _, admin = await member(app, "Admin", admin=True)
    _, resident = await member(app, "Léa")
    assert (await _import(app, resident, SAMPLE))[0] == 403
    assert (await _import(app, {}, SAMPLE))[0] == 401
    for bad in (
        b"",
        b"domain;severity\nspam.example;suspend\n",
        b"\xff\xfe not utf-8",
        b"#domain,#severity\nspam.example,explode\n",
        b"#domain,#severity\nnot a domain!,suspend\n",
        b"#domain\nspam.example\n\x00",
    ):
        status, body = await _import(app, admin, bad)
        assert status == 422, (bad, body)
        assert body["errors"][0]["field"] == "file"
    big = b"#domain\n" + b"".join(b"d%d.example\n" % n for n in range(5001))
    assert (await _import(app, admin, big))[0] == 413
    huge = b"#domain\n" + b"x" * (300 * 1024)
    assert (await _import(app, admin, huge))[0] == 413
    with app.node.db.activate():
        assert await DomainBlock.all().count() == 0
