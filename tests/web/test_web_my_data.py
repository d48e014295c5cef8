"""Export completeness with real rows: one member gets a row in every table that has a foreign
key to Member (one row per such key), and each row comes back in the JSON export and on the
readable HTML page."""

from __future__ import annotations

import uuid
from enum import Enum
from itertools import count
from typing import Any

from tortoise import Tortoise, fields
from tortoise.fields.relational import ForeignKeyFieldInstance, OneToOneFieldInstance
from tortoise.models import Model

from node import clock
from node.http_state import EntraideApp
from node.models import AssociationRole, Member
from node.services import association_invitations
from node.services.export import NOT_EXPORTED, SECTIONS, export_member
from tests.factories import new_association
from tests.web.conftest import csrf_of, log_in

_n = count(1)


async def _value(field: fields.Field[Any], others: dict[type[Model], Model]) -> Any:
    """A valid value for a required column (unique where needed: every value differs)."""
    n = next(_n)
    if isinstance(field, ForeignKeyFieldInstance | OneToOneFieldInstance):
        return await _row(field.related_model, others, {})
    enum = getattr(field, "enum_type", None)
    if enum is not None and issubclass(enum, Enum):
        return next(iter(enum))
    kind = type(field).__name__
    simple: dict[str, Any] = {
        "BooleanField": False,
        "IntField": n,
        "BigIntField": n,
        "SmallIntField": n % 30000,
        "FloatField": 48.85,
        "UUIDField": uuid.uuid4(),
        "DatetimeField": clock.now(),
        "DateField": clock.now().date(),
        "JSONField": {},
    }
    if kind in simple:
        return simple[kind]
    max_length = getattr(field, "max_length", 0) or 64
    if field.model_field_name in ("phone",):
        return f"+3361{n:07d}"
    if "email" in field.model_field_name:
        return f"p{n}@example.org"
    if field.model_field_name in ("domain", "host"):
        return f"n{n}.example"
    if field.model_field_name.endswith(("iri", "url", "endpoint")):
        return f"https://n{n}.example/x/{n}"
    return f"v{n}"[:max_length]


async def _row(
    model: type[Model], others: dict[type[Model], Model], given: dict[str, Any]
) -> Model:
    """A row of ``model`` with every required column filled; other rows are made as needed (one
    per model, reused, so a chain of keys stays small)."""
    if not given and model in others:
        return others[model]
    values: dict[str, Any] = dict(given)
    meta = model._meta
    reverse = meta.fetch_fields - meta.fk_fields - meta.o2o_fields  # reverse and m2m relations
    for name, field in meta.fields_map.items():
        if name in values or name in reverse:
            continue
        if (field.pk and field.generated) or field.null or field.default is not None:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            continue
        if getattr(field, "reference", None) is not None:  # the _id column of a key
            continue
        values[name] = await _value(field, others)
    row = await model.create(**values)
    if not given:
        others[model] = row
    return row


def _member_keys() -> list[tuple[type[Model], str]]:
    keys = []
    for model in Tortoise.apps["models"].values():
        for name, field in model._meta.fields_map.items():
            relational = isinstance(field, ForeignKeyFieldInstance | OneToOneFieldInstance)
            if relational and field.related_model is Member:
                keys.append((model, name))
    return sorted(keys, key=lambda k: (k[0].__name__, k[1]))


async def test_every_member_table_filled_comes_back_in_the_export(
    app: EntraideApp, make_member: Any
) -> None:
    client = await log_in(app, make_member, pseudonym="Maëlle")
    member = client.member
    with app.node.db.activate():
        stranger = await Member.get(id=(await make_member(target=app))[0].id)
        others: dict[type[Model], Model] = {Member: stranger}
        made: list[tuple[type[Model], str, Any]] = []
        for model, key in _member_keys():
            if (model.__name__, key) in NOT_EXPORTED:
                continue
            row = await _row(model, others, {key: member})
            made.append((model, key, row.pk))
        export: dict[str, Any] = await export_member(member)
    by_model = {}
    for section in SECTIONS:
        for key in section.member_fields:
            by_model[(section.model, key)] = section.name
    assert len(made) >= 30, made
    for model, key, pk in made:
        name = by_model.get((model, key))
        assert name, f"{model.__name__}.{key} holds rows about a member but no export section"
        pks = [str(r.get(model._meta.pk_attr)) for r in export[name]]
        assert str(pk) in pks, f"{model.__name__}.{key}: row {pk} missing from export[{name!r}]"
    # The readable page shows the same rows, section by section.
    response = await client.get("/me/data")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    page = await response.get_data(as_text=True)
    for model, key, pk in made:
        name = by_model[(model, key)]
        start = page.index(f'data-section="{name}"')
        chunk = page[start : page.index("</section>", start)]
        assert f"<dd>{pk}</dd>" in chunk, f"{model.__name__}.{key}: row {pk} not on /me/data"
    assert "Maëlle" in page


async def test_invitations_to_my_number_are_in_my_data(app: EntraideApp, make_member: Any) -> None:
    """An invitation names a number, not an account: the export finds it by the number."""
    client = await log_in(app, make_member)
    inviter, _ = await make_member(target=app, pseudonym="Inviteuse")
    with app.node.db.activate():
        association = await new_association("La Halte", {inviter: AssociationRole.ADMIN})
        await association_invitations.invite(
            app.node, association, client.member.phone, AssociationRole.VOLUNTEER, by=inviter
        )
        export = await export_member(client.member)
    (row,) = export["association_invitations_received"]
    assert row["association_name"] == "La Halte" and "invited_by_id" not in row
    assert not [key for key in row if key.endswith("_hash")]
    page = await (await client.get("/me/data?lang=en")).get_data(as_text=True)
    assert "Invitations I received" in page and "La Halte" in page


async def test_my_page_leads_to_my_data_and_deletion_in_one_click(
    app: EntraideApp, make_member: Any
) -> None:
    client = await log_in(app, make_member, pseudonym="Bilal")
    page = await (await client.get("/me", headers={"Accept-Language": "fr"})).get_data(as_text=True)
    assert 'href="/me/data"' in page and "Mes données" in page
    assert 'href="/me/export.json"' in page and 'href="/me/delete"' in page
    page = await (await client.get("/me/data?lang=fr")).get_data(as_text=True)
    assert "Mon compte" in page and "Bilal" in page and "Supprimer mon compte" in page
    page = await (await client.get("/me/data?lang=en")).get_data(as_text=True)
    assert "My account" in page and "Download all my data (JSON)" in page
    assert "_hash" not in page  # no fingerprint of a secret, not even its column


async def test_deleting_asks_the_password_then_deletes_everything(
    app: EntraideApp, make_member: Any
) -> None:
    client = await log_in(app, make_member)
    member = client.member
    page = await (await client.get("/me/delete")).get_data(as_text=True)
    assert 'name="delete_password"' in page
    token = await csrf_of(client, "/me/delete")
    wrong = await client.post(
        "/me/delete", form={"csrf_token": token, "delete_password": "pas le bon"}
    )
    assert wrong.status_code in (401, 403)
    assert "delete_password" in await wrong.get_data(as_text=True)
    with app.node.db.activate():
        assert await Member.exists(id=member.id)
    done = await client.post(
        "/me/delete", form={"csrf_token": token, "delete_password": "un mot de passe"}
    )
    assert done.status_code == 303 and done.headers["Location"] == "/"
    with app.node.db.activate():
        assert not await Member.exists(id=member.id)
    assert (await client.get("/me/data")).status_code == 303  # logged out: to the log-in page


async def test_my_data_needs_a_log_in(app: EntraideApp) -> None:
    client = app.test_client()
    for path in ("/me/data", "/me/delete"):
        response = await client.get(path)
        assert response.status_code == 303 and response.headers["Location"].startswith("/login")


def test_every_section_has_a_title_in_words() -> None:
    from node.web.data_sections import TITLES

    assert {s.name for s in SECTIONS} <= set(TITLES)
