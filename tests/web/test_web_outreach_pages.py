"""Outreach pages through Quart's test client: planning a round, starting it, recording
encounters (with the "visited … asleep — do not wake" warning), the coordination view, the
report and the CSV; residents and other associations are kept out as the services decide."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

import pytest

from node.http_state import EntraideApp
from node.models import (
    Association,
    Encounter,
    Member,
    Round,
    RoundStatus,
)
from tests.conftest import MemberFactory
from tests.factories import add_member, make_association
from tests.web.conftest import csrf_of, log_in

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
POINT = {"lat": "48.87213", "lon": "2.36410"}


async def _text(response: Any) -> str:
    return html.unescape(str(await response.get_data(as_text=True)))


@dataclass
class Outreach:
    app: EntraideApp
    association: Association
    coordinator: Any
    volunteer: Any
    other_team: Any
    resident: Any


async def _join(app: EntraideApp, client: Any, association: Association, role: str) -> None:
    await add_member(app, client.member, association, role)


@pytest.fixture
async def outreach(app: EntraideApp, make_member: MemberFactory) -> Outreach:
    association = await make_association(app, name="Les Maraudeurs")
    other = await make_association(app, name="Samu social")
    coordinator = await log_in(app, make_member, pseudonym="Coord")
    volunteer = await log_in(app, make_member, pseudonym="Vol")
    other_team = await log_in(app, make_member, pseudonym="Autre")
    resident = await log_in(app, make_member, pseudonym="Riverain")
    await _join(app, coordinator, association, "coordinator")
    await _join(app, volunteer, association, "volunteer")
    await _join(app, other_team, other, "coordinator")
    return Outreach(app, association, coordinator, volunteer, other_team, resident)


async def _plan(
    o: Outreach,
    client: Any,
    association: Association,
    team: list[Member] | None = None,
    **extra: str,
) -> Any:
    token = await csrf_of(client, "/rounds")
    form = [
        ("csrf_token", token),
        ("association_id", str(association.id)),
        ("area", extra.get("area", "Gare de l'Est")),
        ("team_name", extra.get("team_name", "Équipe A")),
        ("kind", "food"),
        ("mode", "foot"),
        ("planned_at", extra.get("planned_at", "2026-11-30T20:00")),
    ]
    form += [("team", str(m.id)) for m in (team or [o.volunteer.member])]
    return await client.post("/rounds", form=form)


async def _started_round(o: Outreach, client: Any, association: Association) -> str:
    response = await _plan(o, client, association, team=[client.member])
    assert response.status_code == 303, await _text(response)
    url = response.headers["Location"]
    token = await csrf_of(client, url)
    assert (await client.post(f"{url}/start", form={"csrf_token": token})).status_code == 303
    return url


async def test_residents_get_403_and_other_associations_404(outreach: Outreach) -> None:
    o = outreach
    assert "Maraudes" in await _text(await o.volunteer.get("/", headers=FR))
    assert "Maraudes" not in await _text(await o.resident.get("/", headers=FR))
    for path in ("/rounds", "/coordination"):
        response = await o.resident.get(path, headers=FR)
        assert response.status_code == 403
        assert "réservées aux membres des associations" in await _text(response)
    url = await _started_round(o, o.coordinator, o.association)
    assert (await o.resident.get(url)).status_code == 403
    assert (await o.other_team.get(url)).status_code == 404
    assert (await o.other_team.get(f"{url}/report")).status_code == 404
    token = await csrf_of(o.other_team, "/rounds")
    response = await o.other_team.post(
        f"{url}/encounters", form={"csrf_token": token, **POINT, "items": "meal"}
    )
    assert response.status_code == 404
    anonymous = o.app.test_client()
    response = await anonymous.get("/rounds")
    assert response.status_code == 303 and response.headers["Location"].startswith("/login")


async def test_plan_round_validation_and_roles(outreach: Outreach) -> None:
    o = outreach
    response = await _plan(o, o.coordinator, o.association, area="x", planned_at="")
    body = await _text(response)
    assert response.status_code == 422
    assert "2 à 120 caractères" in body or 'id="e-area"' in body
    response = await _plan(o, o.coordinator, o.association, planned_at="2020-01-01T20:00")
    assert response.status_code == 422
    assert "au plus une semaine dans le passé" in await _text(response)
    response = await _plan(o, o.coordinator, o.association, team=[o.resident.member])
    assert response.status_code == 422
    assert "doivent être membres de l'association" in await _text(response)
    # A volunteer does not plan: the form is not offered and the service says 403.
    assert 'id="plan"' not in await _text(await o.volunteer.get("/rounds"))
    assert (await _plan(o, o.volunteer, o.association)).status_code == 403
    response = await o.coordinator.post("/rounds", form={"area": "Sans jeton"})
    assert response.status_code == 403
    with o.app.node.db.activate():
        assert await Round.all().count() == 0
    response = await _plan(o, o.coordinator, o.association)
    assert response.status_code == 303
    page = await _text(await o.volunteer.get(response.headers["Location"], headers=FR))
    assert "Maraude : Gare de l'Est" in page and "Démarrer la maraude" in page and "Vol" in page


async def test_encounter_with_the_visited_warning(outreach: Outreach) -> None:
    o = outreach
    other_url = await _started_round(o, o.other_team, (await _other(o)))
    token = await csrf_of(o.other_team, other_url)
    response = await o.other_team.post(
        f"{other_url}/encounters",
        form=[
            ("csrf_token", token),
            *POINT.items(),
            ("items", "meal"),
            ("items", "blanket"),
            ("asleep", "on"),
            ("note", "Sous le porche, chien calme"),
        ],  # type: ignore[arg-type]
    )
    assert response.status_code == 303, await _text(response)
    page = await _text(await o.other_team.get(other_url, headers=FR))
    assert "La rencontre est enregistrée." in page and "Déjà visité" not in page
    assert "Sous le porche" in page  # the round's own page shows its notes

    url = await _started_round(o, o.coordinator, o.association)
    token = await csrf_of(o.coordinator, url)
    response = await o.coordinator.post(
        f"{url}/encounters",
        form={"csrf_token": token, **POINT, "items": "hot_drink"},
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("#recorded")
    page = await _text(await o.coordinator.get(url, headers=FR))
    assert "Déjà visité récemment" in page
    # Visits are stored to 5 minutes: "il y a 0 à 4 min".
    assert re.search(r"Passage il y a \d min de Samu social \(Équipe A\) : repas, couverture", page)
    assert "Endormi·e — ne pas réveiller." in page
    assert "Sous le porche" not in page  # another association's note never shows
    # Shown once: the next visit of the page has no warning left.
    assert "Déjà visité" not in await _text(await o.coordinator.get(url, headers=FR))


async def _other(o: Outreach) -> Association:
    with o.app.node.db.activate():
        return await Association.get(slug="samu-social")


async def test_encounter_form_errors_are_rendered(outreach: Outreach) -> None:
    o = outreach
    url = await _started_round(o, o.coordinator, o.association)
    token = await csrf_of(o.coordinator, url)
    response = await o.coordinator.post(f"{url}/encounters", form={"csrf_token": token})
    body = await _text(response)
    assert response.status_code == 422
    assert "Indiquez le lieu : cliquez sur la carte" in body and 'aria-invalid="true"' in body
    response = await o.coordinator.post(
        f"{url}/encounters",
        form={"csrf_token": token, "lat": "123", "lon": "2.3", "note": "garde-moi"},
    )
    assert response.status_code == 422 and "garde-moi" in await _text(response)
    response = await o.coordinator.post(
        f"{url}/encounters", form={"csrf_token": token, **POINT, "pseudonym": "Josépha Témoin"}
    )
    assert response.status_code == 422
    assert "qu'avec l'accord de la personne" in await _text(response)
    response = await o.coordinator.post(f"{url}/encounters", form=POINT)
    assert response.status_code == 403
    with o.app.node.db.activate():
        assert await Encounter.all().count() == 0
    response = await o.coordinator.post(
        f"{url}/encounters",
        form={"csrf_token": token, **POINT, "pseudonym": "Josépha Témoin", "consent": "on"},
    )
    assert response.status_code == 303
    assert "Josépha Témoin" in await _text(await o.coordinator.get(url))


async def test_coordination_view_report_and_csv(outreach: Outreach) -> None:
    o = outreach
    url = await _started_round(o, o.coordinator, o.association)
    token = await csrf_of(o.coordinator, url)
    await o.coordinator.post(
        f"{url}/encounters",
        form=[
            ("csrf_token", token),
            *POINT.items(),
            ("items", "meal"),
            ("asleep", "on"),
            ("note", "note privée"),
            ("pseudonym", "Josépha Témoin"),
            ("consent", "on"),
        ],  # type: ignore[arg-type]
    )
    response = await o.volunteer.get("/coordination?lat=48.872&lon=2.364&radius_m=500", headers=FR)
    body = await _text(response)
    assert response.status_code == 200
    assert "1 passage" in body and "Les Maraudeurs (Équipe A)" in body and "Repas" in body
    assert "note privée" not in body and "Josépha Témoin" not in body and POINT["lat"] not in body
    response = await o.volunteer.get("/coordination?lat=north&radius_m=99999", headers=FR)
    assert response.status_code == 422 and "Indiquez un nombre." in await _text(response)
    far = await _text(await o.volunteer.get("/coordination?lat=48.80&lon=2.30", headers=FR))
    assert "Aucun passage ici" in far

    token = await csrf_of(o.coordinator, url)
    response = await o.coordinator.post(f"{url}/end", form={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith("/report")
    with o.app.node.db.activate():
        assert (await Round.get(id=url.rsplit("/", 1)[1])).status == RoundStatus.ENDED
    report = await _text(await o.volunteer.get(f"{url}/report", headers=FR))
    assert "Compte rendu de la maraude : Gare de l'Est" in report
    assert "Rencontres</dt><dd>1" in report and "Repas" in report and "note privée" not in report
    response = await o.coordinator.post(f"{url}/end", form={"csrf_token": token})
    assert response.status_code == 409

    csv_url = f"/associations/{o.association.id}/rounds.csv"
    response = await o.coordinator.get(f"{csv_url}?period=day")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = (await response.get_data(as_text=True)).splitlines()
    assert lines[0].startswith("period_start,rounds") and len(lines) == 2
    assert "attachment" in response.headers["Content-Disposition"]
    assert (await o.volunteer.get(csv_url)).status_code == 403
    assert (await o.resident.get(csv_url)).status_code == 403
    assert (await o.other_team.get(csv_url)).status_code == 404
    response = await o.coordinator.get(f"{csv_url}?since=2026-12-01&until=2026-01-01", headers=FR)
    assert response.status_code == 422 and "La période va dans l'ordre" in await _text(response)
    space = await _text(await o.coordinator.get(f"/associations/{o.association.id}", headers=FR))
    assert "Maraudes" in space and "Activité (CSV)" in space
