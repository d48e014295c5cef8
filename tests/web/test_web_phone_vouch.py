"""The association page: a coordinator moves a member's account to their new number with the
code texted there; volunteers do not see the form; a wrong code says so."""

from __future__ import annotations

import re
from typing import Any

from node.http_state import EntraideApp
from node.models import AssociationRole, Member
from tests.factories import add_member, make_association
from tests.web.conftest import csrf_of, log_in

NEW = "+33698004455"


async def test_a_coordinator_moves_a_members_account(
    app: EntraideApp, make_member: Any, sms_outbox: Any
) -> None:
    client = await log_in(app, make_member, pseudonym="Nadia")
    lost, lost_headers = await make_member(target=app, pseudonym="Samir")
    association = await make_association(
        app, {client.member: AssociationRole.COORDINATOR, lost: AssociationRole.VOLUNTEER}
    )
    page_url = f"/associations/{association.id}?lang=en"
    page = await (await client.get(page_url)).get_data(as_text=True)
    assert "A member lost their phone" in page and f'value="{lost.id}"' in page
    token = await csrf_of(client, page_url)
    url = f"/associations/{association.id}/phone-changes"
    bad = await client.post(
        url, form={"csrf_token": token, "member_id": str(lost.id), "new_phone": "12"}
    )
    assert bad.status_code == 422
    sent = await client.post(
        url, form={"csrf_token": token, "member_id": str(lost.id), "new_phone": NEW}
    )
    assert sent.status_code == 303
    code_page = sent.headers["Location"]
    assert 'name="code"' in await (await client.get(code_page)).get_data(as_text=True)
    wrong = await client.post(code_page, form={"csrf_token": token, "code": "000000"})
    assert wrong.status_code == 400 and "Wrong code" in await wrong.get_data(as_text=True)
    code = re.findall(r"\b\d{6}\b", sms_outbox()[-1]["body"])[0]
    done = await client.post(code_page, form={"csrf_token": token, "code": code})
    assert done.status_code == 303
    page = await (await client.get(done.headers["Location"])).get_data(as_text=True)
    assert "The account of Samir is on its new number." in page
    with app.node.db.activate():
        assert (await Member.get(id=lost.id)).phone == NEW
    assert (await client.get("/api/v1/me", headers=lost_headers)).status_code == 401


async def test_a_volunteer_sees_no_form_and_cannot_post(app: EntraideApp, make_member: Any) -> None:
    client = await log_in(app, make_member)
    other, _ = await make_member(target=app)
    association = await make_association(app, {other: AssociationRole.VOLUNTEER})
    await add_member(app, client.member, association, AssociationRole.VOLUNTEER)
    page_url = f"/associations/{association.id}"
    assert "lost-phone" not in await (await client.get(page_url)).get_data(as_text=True)
    token = await csrf_of(client, page_url)
    url = f"/associations/{association.id}/phone-changes"
    response = await client.post(
        url, form={"csrf_token": token, "member_id": str(other.id), "new_phone": NEW}
    )
    assert response.status_code == 403
