"""The page of a repeating volunteers call, without JavaScript: a resident ticks the dates they
come, each date shows its places left and how many come, a full date has no box and refuses a
forged answer, a resident withdraws one date with its own button, and the coordinator sees who
comes on which date (French first, English on request)."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from node import clock
from node.http_state import EntraideApp
from node.models import AssociationRole
from tests.factories import make_association
from tests.web.conftest import csrf_of, log_in

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _words(page: str) -> str:
    return " ".join(html.unescape(page).split())


async def _page(client: Any, path: str, status: int = 200) -> str:
    response = await client.get(path)
    assert response.status_code == status, path
    return str(await response.get_data(as_text=True))


async def _post_daily_call(app: EntraideApp, make_member: Any) -> tuple[Any, str]:
    coordinator = await log_in(app, make_member, pseudonym="Coord")
    association = await make_association(
        app, {coordinator.member: AssociationRole.COORDINATOR}, name="Chaleur"
    )
    space = f"/associations/{association.id}"
    form = {
        "csrf_token": await csrf_of(coordinator, f"{space}/calls/new"),
        "kind": "volunteers",
        "title": "Soupe du soir",
        "people": "2",
        "recurrence": "FREQ=DAILY;COUNT=3",
        "radius_km": "1",
        "days": "7",
        "starts_at": (clock.now() + timedelta(days=1)).strftime("%Y-%m-%dT19:00"),
    }
    posted = await coordinator.post(f"{space}/calls", form=form)
    assert posted.status_code == 303
    return coordinator, posted.headers["Location"]


async def test_residents_tick_their_dates_and_withdraw_one(
    app: EntraideApp, make_member: Any
) -> None:
    coordinator, call_url = await _post_daily_call(app, make_member)
    lea = await log_in(app, make_member, pseudonym="Léa")
    page = await _page(lea, call_url)
    assert "Cochez les dates où vous venez" in _words(page)
    dates = re.findall(r'name="dates" value="([^"]+)"', page)
    assert len(dates) == 3
    assert _words(page).count("2 places restantes · 0 personne vient") == 3

    token = await csrf_of(lea, call_url)
    nothing = await lea.post(f"{call_url}/answer", form={"csrf_token": token, "date-choice": "1"})
    assert nothing.status_code == 422
    assert "Cochez au moins une date." in _words(await nothing.get_data(as_text=True))
    forged = await lea.post(
        f"{call_url}/answer", form={"csrf_token": token, "date-choice": "1", "dates": "mardi"}
    )
    assert forged.status_code == 422
    assert "Ce n'est pas une des dates de l'appel." in _words(await forged.get_data(as_text=True))
    # Two boxes ticked: the field comes twice, as a browser sends it.
    fields = [("csrf_token", token), ("date-choice", "1")] + [("dates", d) for d in dates[:2]]
    ticked = await lea.post(f"{call_url}/answer", data=urlencode(fields), headers=FORM)
    assert ticked.status_code == 303
    page = _words(await _page(lea, call_url))
    assert page.count("Vous venez à cette date.") == 2
    assert page.count("1 place restante · 1 personne vient") == 2

    omar = await log_in(app, make_member, pseudonym="Omar")
    token = await csrf_of(omar, call_url)
    first = {"csrf_token": token, "date-choice": "1", "dates": dates[0]}
    assert (await omar.post(f"{call_url}/answer", form=first)).status_code == 303
    # The first date is full: no box any more, and a forged answer is refused.
    page = await _page(omar, call_url)
    assert dates[0] not in re.findall(r'name="dates" value="([^"]+)"', page)
    assert "complet · 2 personnes viennent" in _words(page)
    zoe = await log_in(app, make_member, pseudonym="Zoé")
    token = await csrf_of(zoe, call_url)
    late = await zoe.post(
        f"{call_url}/answer", form={"csrf_token": token, "date-choice": "1", "dates": dates[0]}
    )
    assert late.status_code == 409
    assert "Une des dates choisies est complète" in _words(await late.get_data(as_text=True))

    # The association's page says what the next date still needs: nobody more.
    space_url = re.findall(r'href="(/associations/[^"/]+)"', page)[0]
    space = await _page(coordinator, space_url)
    assert "Personnes 0/2" in _words(space) and 'id="needs-now"' not in space

    # The coordinator sees who comes on which date.
    managed = _words(await _page(coordinator, call_url))
    assert managed.count("Léa ·") == 2 and managed.count("Omar ·") == 1

    # Léa's button under the first date withdraws that date only.
    page = await _page(lea, call_url)
    buttons = re.findall(r'formaction="([^"]+)" name="date" value="([^"]+)"', page)
    assert [value for _, value in buttons] == dates[:2]
    token = await csrf_of(lea, call_url)
    action = html.unescape(buttons[0][0])
    withdrawn = await lea.post(action, form={"csrf_token": token, "date": dates[0]})
    assert withdrawn.status_code == 303
    page = _words(await _page(lea, call_url))
    assert page.count("Vous venez à cette date.") == 1
    past = await lea.post(action, form={"csrf_token": token, "date": "2020-01-01T18:00:00Z"})
    assert past.status_code == 422
    assert "Cette date est passée" in _words(await past.get_data(as_text=True))
    again = await lea.post(action, form={"csrf_token": token, "date": dates[0]})
    assert again.status_code == 404

    english = _words(await _page(lea, f"{call_url}?lang=en"))
    assert "Tick the dates you come" in english and "You come on this date." in english
    assert "1 place left · 1 person comes" in english
