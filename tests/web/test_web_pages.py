"""The web pages through Quart's test client: security, languages, forms, errors."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from node.http_state import EntraideApp
from node.models import Action, Association, AssociationStatus, Member
from tests.conftest import MemberFactory
from tests.factories import PASSWORDS
from tests.web.conftest import csrf_of


@pytest.fixture(autouse=True)
def _database(app: EntraideApp) -> Iterator[None]:
    """Tests read and write rows directly: inside the node's database."""
    with app.node.db.activate():
        yield


FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.8"}


async def _text(response: Any) -> str:
    return html.unescape(str(await response.get_data(as_text=True)))


async def _raw(response: Any) -> str:
    return str(await response.get_data(as_text=True))


async def _sign_up(client: Any, sms_outbox: Any, phone: str = "06 12 34 56 78") -> Member:
    token = await csrf_of(client, "/signup")
    response = await client.post(
        "/signup",
        form={
            "csrf_token": token,
            "phone": phone,
            "email": f"{phone.replace(' ', '')}@example.org",
            "password": "un mot de passe",
            "password_again": "un mot de passe",
            "pseudonym": "Léa",
            "kind": "resident",
            "accept_charter": "yes",
        },
    )
    assert response.status_code == 303, await _text(response)
    assert response.headers["Location"] == "/verify"
    code = sms_outbox()[-1]["body"].split("code est ")[1][:6]
    token = await csrf_of(client, "/verify")
    response = await client.post(
        "/verify", form={"csrf_token": token, "phone": phone, "code": code}
    )
    assert response.status_code == 303, await _text(response)
    member = await Member.get(phone="+33" + phone.replace(" ", "")[1:])
    assert member.is_verified
    return member


async def test_home_is_french_by_default_with_security_headers(client: Any) -> None:
    response = await client.get("/")
    body = await _text(response)
    assert response.status_code == 200
    assert '<html lang="fr">' in body
    assert "Près de moi" in body and '<main id="main"' in body
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "https://tile.openstreetmap.org" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in body and " style=" not in body  # no inline script or style


async def test_language_negotiation_switch_and_cookie(client: Any) -> None:
    assert '<html lang="en">' in await _text(await client.get("/", headers=EN))
    assert '<html lang="fr">' in await _text(
        await client.get("/", headers={"Accept-Language": "de"})
    )
    response = await client.get("/?lang=en", headers=FR)
    assert '<html lang="en">' in await _text(response)
    assert "lang=en" in response.headers["Set-Cookie"]
    assert "HttpOnly" in response.headers["Set-Cookie"]
    # Remembered: the cookie wins over Accept-Language.
    assert "Near me" in await _text(await client.get("/", headers=FR))


async def test_api_keeps_problem_json_and_web_404_is_html(client: Any) -> None:
    response = await client.get("/api/v1/nothing")
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
    response = await client.get("/nothing-here", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "Cette page n'existe pas." in await _text(response)
    response = await client.get("/actions/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404 and "text/html" in response.headers["Content-Type"]
    assert (await client.get("/openapi.json")).status_code == 200


async def test_post_without_or_with_a_wrong_csrf_token_is_403(client: Any) -> None:
    form = {"phone": "0612345678", "password": "whatever1"}
    response = await client.post("/login", form=form)
    assert response.status_code == 403
    assert "Le formulaire a expiré" in await _text(response)
    await csrf_of(client, "/login")
    response = await client.post("/login", form={**form, "csrf_token": "forged"})
    assert response.status_code == 403


async def test_sign_up_code_log_out_log_in(client: Any, sms_outbox: Any) -> None:
    await _sign_up(client, sms_outbox)
    assert "Mon profil" in await _text(await client.get("/"))
    token = await csrf_of(client, "/")
    assert (await client.post("/logout", form={"csrf_token": token})).status_code == 303
    assert (await client.get("/me")).status_code == 303
    token = await csrf_of(client, "/login")
    response = await client.post(
        "/login",
        form={"csrf_token": token, "phone": "+33612345678", "password": "pas le bon", "next": "/"},
    )
    assert response.status_code == 401
    assert "Numéro de téléphone ou mot de passe erroné." in await _text(response)
    response = await client.post(
        "/login",
        form={
            "csrf_token": token,
            "phone": "06 12 34 56 78",
            "password": "un mot de passe",
            "next": "/me",
        },
    )
    assert response.status_code == 303 and response.headers["Location"] == "/me"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


async def test_open_redirect_is_refused(client: Any, sms_outbox: Any) -> None:
    await _sign_up(client, sms_outbox)
    token = await csrf_of(client, "/")
    await client.post("/logout", form={"csrf_token": token})
    token = await csrf_of(client, "/login")
    response = await client.post(
        "/login",
        form={
            "csrf_token": token,
            "phone": "0612345678",
            "password": "un mot de passe",
            "next": "//evil.example/",
        },
    )
    assert response.headers["Location"] == "/"


async def test_session_expires(client: Any, sms_outbox: Any, app: Any) -> None:
    await _sign_up(client, sms_outbox)
    assert (await client.get("/me")).status_code == 200
    app.node.clock.advance(timedelta(days=app.node.settings.session_days, minutes=1))
    response = await client.get("/me")
    assert response.status_code == 303 and response.headers["Location"].startswith("/login")
    body = await _text(await client.get("/login"))
    assert "Se connecter" in body


async def test_sign_up_errors_are_rendered_in_the_form(client: Any) -> None:
    token = await csrf_of(client, "/signup")
    response = await client.post(
        "/signup",
        form={
            "csrf_token": token,
            "phone": "12",
            "email": "x@example.org",
            "password": "un mot de passe",
            "password_again": "un mot de passe",
            "kind": "resident",
            "accept_charter": "yes",
        },
        headers=FR,
    )
    body = await _text(response)
    assert response.status_code == 422
    assert "Ce n'est pas un numéro de téléphone." in body or "Ce numéro" in body
    assert 'aria-invalid="true"' in body and 'value="x@example.org"' in body
    response = await client.post(
        "/signup",
        form={
            "csrf_token": token,
            "phone": "0612345679",
            "email": "x@example.org",
            "password": "un mot de passe",
            "password_again": "autre chose",
            "kind": "resident",
            "accept_charter": "yes",
        },
    )
    assert "Les deux mots de passe diffèrent." in await _text(response)


async def test_wrong_code_says_attempts_left(client: Any, sms_outbox: Any) -> None:
    token = await csrf_of(client, "/signup")
    await client.post(
        "/signup",
        form={
            "csrf_token": token,
            "phone": "0612345670",
            "email": "a@example.org",
            "password": "un mot de passe",
            "password_again": "un mot de passe",
            "kind": "resident",
            "accept_charter": "yes",
        },
    )
    token = await csrf_of(client, "/verify")
    response = await client.post(
        "/verify", form={"csrf_token": token, "phone": "0612345670", "code": "000000"}
    )
    assert response.status_code == 400
    assert "il reste 4 essais" in await _text(response)


async def _logged_in(client: Any, make_member: MemberFactory, **kwargs: Any) -> Member:
    member, _ = await make_member(**kwargs)
    member.password_hash = await PASSWORDS.hash("un mot de passe")
    await member.save()
    token = await csrf_of(client, "/login")
    response = await client.post(
        "/login",
        form={"csrf_token": token, "phone": member.phone, "password": "un mot de passe"},
    )
    assert response.status_code == 303
    return member


async def test_post_warns_about_personal_data_then_publishes_escaped(
    client: Any, make_member: MemberFactory
) -> None:
    await _logged_in(client, make_member)
    token = await csrf_of(client, "/post")
    form = {
        "csrf_token": token,
        "kind": "need",
        "category": "clothes",
        "title": "<script>alert(1)</script> chaussures",
        "description": "Passez au 12 rue de la Paix ou appelez le 06 12 34 56 78",
        "lat": "48.85",
        "lon": "2.35",
        "visibility": "public",
    }
    response = await client.post("/post", form=form)
    body = await _text(response)
    assert response.status_code == 200
    assert "une adresse" in body and "un numéro de téléphone" in body
    assert "privacy_confirmed" in body and await Action.all().count() == 0
    response = await client.post("/post", form={**form, "privacy_confirmed": "on"})
    assert response.status_code == 303
    body = await _raw(await client.get(response.headers["Location"]))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert" not in body


async def test_post_form_errors(client: Any, make_member: MemberFactory) -> None:
    await _logged_in(client, make_member)
    token = await csrf_of(client, "/post")
    response = await client.post(
        "/post",
        form={
            "csrf_token": token,
            "kind": "outing",
            "category": "social",
            "title": "ab",
            "lat": "north",
            "lon": "2.35",
            "visibility": "public",
        },
    )
    assert response.status_code == 422
    assert "Indiquez un nombre." in await _text(response)
    response = await client.post(
        "/post",
        form={
            "csrf_token": token,
            "kind": "need",
            "category": "social",
            "title": "ab",
            "lat": "48.85",
            "lon": "2.35",
            "visibility": "public",
        },
    )
    assert response.status_code == 422
    assert "3 à 120 caractères" in await _text(response)


async def test_admin_page_and_association_approval(client: Any, make_member: MemberFactory) -> None:
    await _logged_in(client, make_member, admin=True)
    association = await Association.create(name="Les Amis", slug="les-amis")
    body = await _text(await client.get("/admin"))
    assert "Les Amis" in body and "map_tile_url" in body and "secret" not in body.lower()
    token = await csrf_of(client, "/admin")
    response = await client.post(
        f"/admin/associations/{association.id}/approve", form={"csrf_token": token}
    )
    assert response.status_code == 303
    assert (await Association.get(id=association.id)).status == AssociationStatus.APPROVED


async def test_admin_page_is_forbidden_to_members(client: Any, make_member: MemberFactory) -> None:
    await _logged_in(client, make_member)
    response = await client.get("/admin")
    assert response.status_code == 403
    assert "text/html" in response.headers["Content-Type"]


async def test_static_files_are_gzipped_and_cacheable(client: Any) -> None:
    body = await _text(await client.get("/"))
    assert "/assets/vendor/leaflet/leaflet.js?v=" in body
    response = await client.get(
        "/assets/vendor/leaflet/leaflet.js", headers={"Accept-Encoding": "gzip"}
    )
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(await response.get_data()) < 50_000
    assert "max-age" in response.headers.get("Cache-Control", "")
