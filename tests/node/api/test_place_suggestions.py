"""Members suggest changes to a place; its association's coordinators (or a node moderator)
accept, which applies the change as an edit, or refuse with a reason; the suggester is told
either way. Every refusal of the API has its test."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from node import clock
from node.http_state import EntraideApp
from node.models import Member, Notification, Place, PlaceSuggestion, SuggestionStatus
from tests.conftest import MemberFactory
from tests.factories import make_association

MISSING = "00000000-0000-4000-8000-000000000000"
PLACES = "/api/v1/places"
SUGGESTIONS = "/api/v1/places/suggestions"


def place_body(association: Any, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Bains-douches Oberkampf",
        "categories": ["shower"],
        "lat": 48.8655,
        "lon": 2.3740,
        "address": "42 rue Oberkampf",
        "opening_hours": "Mo-Sa 08:00-19:00",
        "phone": "01 40 00 00 00",
        "association_id": str(association.id),
    }
    body.update(overrides)
    return body


async def send(client: Any, method: str, url: str, headers: Any = None, **kw: Any) -> Any:
    response = await client.open(url, method=method, headers=headers or {}, **kw)
    return response.status_code, await response.get_json()


async def kinds(app: EntraideApp, member: Member) -> list[tuple[str, dict[str, Any]]]:
    with app.node.db.activate():
        rows = await Notification.filter(member_id=member.id).order_by("id")
    return [(str(row.kind), dict(row.payload)) for row in rows]


async def scene(app: EntraideApp, client: Any, make_member: MemberFactory) -> dict[str, Any]:
    coordinator, coord_h = await make_member(pseudonym="Coord")
    association = await make_association(app, {coordinator: "coordinator"}, name="Chaleur")
    status, place = await send(client, "POST", PLACES, coord_h, json=place_body(association))
    assert status == 201, place
    lea, lea_h = await make_member(pseudonym="Léa")
    return {
        "coordinator": coordinator,
        "coord_h": coord_h,
        "place": place,
        "lea": lea,
        "lea_h": lea_h,
        "url": f"{PLACES}/{place['id']}/suggestions",
    }


async def test_a_suggestion_accepted_by_the_coordinator_changes_the_place(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    s = await scene(app, client, make_member)
    body = {"opening_hours": "Mo-Fr 10:00-18:00", "phone": "01 40 00 00 00", "note": "Sur la porte"}
    status, made = await send(client, "POST", s["url"], s["lea_h"], json=body)
    assert status == 201, made
    # Only what differs from the place is kept; the phone was the same.
    assert made["changes"] == {"opening_hours": "Mo-Fr 10:00-18:00"}
    assert (made["status"], made["author"], made["note"]) == ("pending", "Léa", "Sur la porte")
    [(kind, payload)] = await kinds(app, s["coordinator"])
    assert kind == "place_suggested" and payload["actor"] == "Léa"

    status, waiting = await send(client, "GET", s["url"], s["coord_h"])
    assert status == 200 and [w["id"] for w in waiting["items"]] == [made["id"]]
    status, mine = await send(client, "GET", SUGGESTIONS, s["coord_h"])
    assert [w["id"] for w in mine["items"]] == [made["id"]]
    status, none = await send(client, "GET", SUGGESTIONS, s["lea_h"])
    assert status == 200 and none["items"] == []

    status, accepted = await send(
        client, "POST", f"{SUGGESTIONS}/{made['id']}/accept", s["coord_h"]
    )
    assert status == 200 and accepted["status"] == "accepted", accepted
    status, place = await send(client, "GET", f"{PLACES}/{s['place']['id']}")
    assert place["opening_hours"] == "Mo-Fr 10:00-18:00"
    assert [k for k, _ in await kinds(app, s["lea"])] == ["place_suggestion_accepted"]
    status, again = await send(client, "POST", f"{SUGGESTIONS}/{made['id']}/accept", s["coord_h"])
    assert status == 409, again
    status, again = await send(
        client, "POST", f"{SUGGESTIONS}/{made['id']}/refuse", s["coord_h"], json={}
    )
    assert status == 409, again


async def test_a_moderator_refuses_with_a_reason_the_suggester_is_told(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    s = await scene(app, client, make_member)
    moderator, mod_h = await make_member(pseudonym="Modé")
    with app.node.db.activate():
        await Member.filter(id=moderator.id).update(is_moderator=True)
    closure = {"closed_from": "2027-01-04", "closed_to": "2027-01-10", "closure_reason": "Travaux"}
    status, made = await send(client, "POST", s["url"], s["lea_h"], json=closure)
    assert status == 201, made
    status, mine = await send(client, "GET", SUGGESTIONS, mod_h)
    assert [w["id"] for w in mine["items"]] == [made["id"]]
    refusal = {"reason": "Les travaux sont reportés."}
    status, refused = await send(
        client, "POST", f"{SUGGESTIONS}/{made['id']}/refuse", mod_h, json=refusal
    )
    assert status == 200 and refused["status"] == "refused", refused
    [(kind, payload)] = await kinds(app, s["lea"])
    assert kind == "place_suggestion_refused" and payload["reason"] == "Les travaux sont reportés."
    status, place = await send(client, "GET", f"{PLACES}/{s['place']['id']}")
    assert place["closed_from"] is None
    # Once refused, the member may suggest again.
    status, again = await send(client, "POST", s["url"], s["lea_h"], json=closure)
    assert status == 201, again


async def test_every_refusal_of_a_suggestion(
    app: EntraideApp, client: Any, make_member: MemberFactory
) -> None:
    s = await scene(app, client, make_member)
    url, lea_h = s["url"], s["lea_h"]
    hours = {"opening_hours": "Mo-Fr 10:00-18:00"}
    _, unverified_h = await make_member(pseudonym="Sans code", verified=False)

    assert (await send(client, "POST", url, json=hours))[0] == 401
    assert (await send(client, "POST", url, unverified_h, json=hours))[0] == 403
    missing = f"{PLACES}/{MISSING}/suggestions"
    assert (await send(client, "POST", missing, lea_h, json=hours))[0] == 404
    for bad in (
        {"phone": "01 40 00 00 00"},  # nothing differs
        {},  # nothing at all
        {"opening_hours": "quand on peut"},
        {"categories": ["casino"]},
        {"phone": None},
        {"closed_to": "2027-01-10"},  # an end without a start
        {"lat": 48.9},  # the point is not suggested
        {"full_tonight": True},  # only the place says it
        {"website": "ftp://bains.example"},
        {"note": "x" * 501, **hours},
    ):
        status, body = await send(client, "POST", url, lea_h, json=bad)
        assert status == 422, (bad, body)

    status, made = await send(client, "POST", url, lea_h, json=hours)
    assert status == 201, made
    status, body = await send(client, "POST", url, lea_h, json={"phone": "01 99 99 99 99"})
    assert status == 409, body  # one waiting suggestion per member and place

    # A partner's place is suggested on its own node.
    with app.node.db.activate():
        mirror = await Place.create(
            name="Halte Lyon",
            source="partner",
            source_id="x1",
            origin_domain="lyon.example",
            remote_iri="https://lyon.example/guide/1",
            categories=["shelter"],
            lat=48.86,
            lon=2.35,
            h3_r7="x",
            h3_r5="x",
            checked_on=clock.now().date(),
        )
    status, body = await send(
        client, "POST", f"{PLACES}/{mirror.id}/suggestions", lea_h, json=hours
    )
    assert status == 409 and "lyon.example" in body["detail"], body

    # Ten a day at most.
    _, omar_h = await make_member(pseudonym="Omar")
    with app.node.db.activate():
        omar = await Member.get(pseudonym="Omar")
        for _ in range(10):
            await PlaceSuggestion.create(
                place_id=s["place"]["id"],
                member=omar,
                changes=hours,
                status=SuggestionStatus.REFUSED,
                created_at=clock.now() - timedelta(hours=1),
            )
    status, body = await send(client, "POST", url, omar_h, json=hours)
    assert status == 429, body

    # Seeing and deciding: the place's editors and moderators only.
    assert (await send(client, "GET", url))[0] == 401
    assert (await send(client, "GET", url, lea_h))[0] == 403
    assert (await send(client, "GET", missing, s["coord_h"]))[0] == 404
    assert (await send(client, "GET", SUGGESTIONS))[0] == 401
    accept, refuse = f"{SUGGESTIONS}/{made['id']}/accept", f"{SUGGESTIONS}/{made['id']}/refuse"
    assert (await send(client, "POST", accept))[0] == 401
    assert (await send(client, "POST", accept, lea_h))[0] == 403
    assert (await send(client, "POST", refuse, lea_h, json={}))[0] == 403
    assert (await send(client, "POST", f"{SUGGESTIONS}/{MISSING}/accept", s["coord_h"]))[0] == 404
    status, body = await send(client, "POST", refuse, s["coord_h"], json={"reason": "x" * 501})
    assert status == 422, body

    # Accepting what no longer fits the place: the closure it ends was moved later meanwhile.
    place_url = f"{PLACES}/{s['place']['id']}"
    status, _ = await send(
        client, "PATCH", place_url, s["coord_h"], json={"closed_from": "2027-01-01"}
    )
    assert status == 200
    _, zoe_h = await make_member(pseudonym="Zoé")
    status, late = await send(client, "POST", url, zoe_h, json={"closed_to": "2027-01-10"})
    assert status == 201, late
    status, _ = await send(
        client, "PATCH", place_url, s["coord_h"], json={"closed_from": "2027-02-01"}
    )
    assert status == 200
    status, body = await send(client, "POST", f"{SUGGESTIONS}/{late['id']}/accept", s["coord_h"])
    assert status == 422, body
