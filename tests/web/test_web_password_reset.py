"""Web pages of a forgotten password: the link on the log-in page, a code by SMS or a link by
mail, the same page for any number or address, and the other devices logged out."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from node import clock
from node.http_state import EntraideApp
from node.models import Member
from tests.web.conftest import csrf_of, log_in

NEW = "un tout nouveau mot de passe"


async def test_reset_by_sms_from_the_login_page(
    app: EntraideApp, make_member: Any, sms_outbox: Any
) -> None:
    other_device = await log_in(app, make_member, pseudonym="Léa")
    member = other_device.member
    assert (await other_device.get("/me")).status_code == 200
    client = app.test_client()
    login = await (await client.get("/login")).get_data(as_text=True)
    assert "Mot de passe oublié ?" in login and 'href="/password/forgot"' in login
    token = await csrf_of(client, "/password/forgot")
    response = await client.post(
        "/password/forgot", form={"csrf_token": token, "phone": member.phone}
    )
    assert response.status_code == 303
    page = await (await client.get(response.headers["Location"])).get_data(as_text=True)
    assert "Si ce numéro a un compte" in page
    code = re.search(r"\b(\d{6})\b", sms_outbox()[-1]["body"]).group(1)  # type: ignore[union-attr]
    token = await csrf_of(client, "/password/reset")
    form = {
        "csrf_token": token,
        "phone": member.phone,
        "code": code,
        "password": NEW,
        "password_again": "pas pareil du tout",
    }
    response = await client.post("/password/reset", form=form)
    assert response.status_code == 422
    assert "Les deux mots de passe" in await response.get_data(as_text=True)
    response = await client.post("/password/reset", form={**form, "password_again": NEW})
    assert response.status_code == 303 and response.headers["Location"].endswith("/login")
    # The browser that was logged in is logged out.
    assert (await other_device.get("/me")).status_code in (302, 303)
    token = await csrf_of(client, "/login")
    response = await client.post(
        "/login", form={"csrf_token": token, "phone": member.phone, "password": NEW}
    )
    assert response.status_code == 303


async def test_the_page_is_the_same_for_an_unknown_number(
    app: EntraideApp, sms_outbox: Any
) -> None:
    client = app.test_client()
    token = await csrf_of(client, "/password/forgot")
    response = await client.post(
        "/password/forgot", form={"csrf_token": token, "phone": "0698765432"}
    )
    assert response.status_code == 303
    assert sms_outbox() == []
    bad = await client.post("/password/forgot", form={"csrf_token": token, "phone": "12"})
    assert bad.status_code == 422
    none = await client.post("/password/forgot", form={"csrf_token": token})
    assert none.status_code == 422
    assert "numéro de téléphone ou votre adresse" in await none.get_data(as_text=True)


async def test_reset_by_mail_link(app: EntraideApp, make_member: Any, mail_outbox: Any) -> None:
    member, _ = await make_member(password="l'ancien mot de passe")
    with app.node.db.activate():
        await Member.filter(id=member.id).update(email_verified_at=clock.now())
    client = app.test_client()
    token = await csrf_of(client, "/password/forgot")
    response = await client.post(
        "/password/forgot", form={"csrf_token": token, "email": member.email}
    )
    assert response.status_code == 200
    assert "Si cette adresse a un compte" in await response.get_data(as_text=True)
    unknown = await client.post(
        "/password/forgot", form={"csrf_token": token, "email": "personne@example.org"}
    )
    assert await unknown.get_data(as_text=True) == await response.get_data(as_text=True)
    link = re.search(r"(http\S+/password/reset\?token=\S+)", mail_outbox()[-1]["body"]).group(1)  # type: ignore[union-attr]
    path = urlsplit(link).path + "?" + urlsplit(link).query
    page = await client.get(path)
    assert page.status_code == 200
    assert 'name="token"' in await page.get_data(as_text=True)
    assert (await client.get("/password/reset?token=nimportequoi")).status_code == 400
    token = await csrf_of(client, path)
    secret = urlsplit(link).query.split("=", 1)[1]
    form = {"csrf_token": token, "token": secret, "password": NEW, "password_again": NEW}
    response = await client.post("/password/reset", form=form)
    assert response.status_code == 303
    again = await client.post("/password/reset", form=form)
    assert again.status_code == 400


async def test_lost_phone_pages(
    app: EntraideApp, make_member: Any, sms_outbox: Any, mail_outbox: Any
) -> None:
    member, _ = await make_member()
    with app.node.db.activate():
        await Member.filter(id=member.id).update(email_verified_at=clock.now())
    client = app.test_client()
    forgot = await (await client.get("/password/forgot")).get_data(as_text=True)
    assert 'href="/phone/lost"' in forgot
    token = await csrf_of(client, "/phone/lost")
    new = "+33698765410"
    form = {"csrf_token": token, "email": member.email, "new_phone": new}
    assert (await client.post("/phone/lost", form=form)).status_code == 200
    bad = await client.post("/phone/lost", form={**form, "new_phone": "12"})
    assert bad.status_code == 422
    link = re.search(r"(http\S+/phone/change\?token=\S+)", mail_outbox()[-1]["body"]).group(1)  # type: ignore[union-attr]
    code = re.search(r"\b(\d{6})\b", sms_outbox()[-1]["body"]).group(1)  # type: ignore[union-attr]
    path = urlsplit(link).path + "?" + urlsplit(link).query
    page = await client.get(path)
    assert page.status_code == 200
    secret = urlsplit(link).query.split("=", 1)[1]
    token = await csrf_of(client, path)
    wrong = await client.post(
        "/phone/change",
        form={
            "csrf_token": token,
            "token": secret,
            "code": "000000" if code != "000000" else "111111",
        },
    )
    assert wrong.status_code == 400
    done = await client.post(
        "/phone/change", form={"csrf_token": token, "token": secret, "code": code}
    )
    assert done.status_code == 303
    told = [s for s in sms_outbox() if s["to"] == member.phone][-1]
    cancel = re.search(r"(http\S+/phone/cancel\?code=\d{12})", told["body"]).group(1)  # type: ignore[union-attr]
    cancel_path = urlsplit(cancel).path + "?" + urlsplit(cancel).query
    assert (await client.get(cancel_path)).status_code == 200
    token = await csrf_of(client, cancel_path)
    cancel_code = urlsplit(cancel).query.split("=", 1)[1]
    response = await client.post("/phone/cancel", form={"csrf_token": token, "code": cancel_code})
    assert response.status_code == 303
    again = await client.post("/phone/cancel", form={"csrf_token": token, "code": cancel_code})
    assert again.status_code == 400
