"""The member's export covers every table that holds rows about a member."""

from __future__ import annotations

from typing import Any

from tortoise import Tortoise
from tortoise.fields.relational import ForeignKeyFieldInstance, OneToOneFieldInstance

from node.http_state import EntraideApp
from node.models import Member
from node.services.export import NOT_EXPORTED, SECTIONS, export_member
from tests.factories import make_member


def _foreign_keys_to_member() -> set[tuple[str, str]]:
    found = set()
    for name, model in Tortoise.apps["models"].items():
        for field_name, field in model._meta.fields_map.items():
            relational = isinstance(field, ForeignKeyFieldInstance | OneToOneFieldInstance)
            if relational and field.related_model is Member:
                found.add((name, field_name))
    return found


async def test_every_foreign_key_to_a_member_is_exported_or_says_why_not(
    app: EntraideApp,
) -> None:
    with app.node.db.activate():
        keys = _foreign_keys_to_member()
    exported = {(s.model.__name__, f) for s in SECTIONS for f in s.member_fields}
    missing = keys - exported - set(NOT_EXPORTED)
    assert not missing, f"tables with a member foreign key missing from the export: {missing}"
    assert not exported - keys, "a section names a field that is no foreign key to Member"
    assert len({s.name for s in SECTIONS}) == len(SECTIONS)


async def test_the_export_lists_every_section_without_secrets(app: EntraideApp) -> None:
    member, _ = await make_member(app, password="un mot de passe")
    with app.node.db.activate():
        export: dict[str, Any] = await export_member(member)
    assert {s.name for s in SECTIONS} <= set(export)
    assert export["profile"]["id"] == member.id
    assert export["tokens"] and export["charter_acceptances"]
    for name in (s.name for s in SECTIONS):
        for row in export[name]:
            assert not [key for key in row if key.endswith("_hash") or key == "claim_token"]
