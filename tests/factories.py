"""The one module where tests make what they need: members (with a bearer token), associations
and their members, proxy profiles, actions (rows in bulk, or through the API), rounds and
encounters (through the API), and the request bodies they post.

Functions named ``new_*`` write in the database that is active (``with app.node.db.activate()``,
or ``async with node.state()`` of a separate process); ``make_*`` take the app and activate its
database themselves.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from node import clock
from node.http_state import EntraideApp
from node.models import (
    Action,
    ActionCategory,
    ActionKind,
    Association,
    AssociationMembership,
    AssociationRole,
    AssociationStatus,
    Member,
    MemberKind,
)
from node.passwords import Passwords

Headers = dict[str, str]
PARIS = (48.8566, 2.3522)
NORTH = (48.8809, 2.3553)  # Gare du Nord

_numbers = itertools.count(1)


def advance_to_local(app: EntraideApp, at: time) -> datetime:
    """Move the node's clock forward to the next ``at`` in its timezone, so that a test counting
    "today" (daily caps, quiet hours) does not depend on the hour the suite runs at; returns that
    time."""
    zone = ZoneInfo(app.node.settings.timezone)
    local = app.node.clock.now().astimezone(zone)
    target = datetime.combine(local.date(), at, tzinfo=zone)
    if target <= local:
        target = datetime.combine(local.date() + timedelta(days=1), at, tzinfo=zone)
    app.node.clock.advance(target - local)
    return target


# --- members -------------------------------------------------------------------------------------

# Argon2id with production costs spends ~0.15 s a hash: test nodes take cheap ones through their
# settings (tests/conftest.py), and hashes made here use the same.
CHEAP_PASSWORDS: dict[str, int] = {
    "password_time_cost": 1,
    "password_memory_kib": 1024,
    "password_parallelism": 1,
}
PASSWORDS = Passwords(time_cost=1, memory_kib=1024, parallelism=1)


async def new_member(
    *,
    pseudonym: str | None = None,
    verified: bool = True,
    admin: bool = False,
    kind: str = MemberKind.RESIDENT,
    phone: str | None = None,
    email: str | None = None,
    password: str | None = None,
    charter: bool = True,
) -> tuple[Member, Headers]:
    """A member (phone verified unless ``verified=False``) and headers with a bearer token;
    they accepted the charter in force unless ``charter=False``."""
    from node.services.charter import charter_in_force, record_acceptance
    from node.services.tokens import issue_token

    n = next(_numbers)
    member = await Member.create(
        phone=phone or f"+33612{n:06d}",
        email=email or f"member{n}@example.org",
        pseudonym=pseudonym or f"Membre {n}",
        kind=MemberKind(kind),
        is_admin=admin,
        phone_verified_at=clock.now() if verified else None,
        password_hash=await PASSWORDS.hash(password) if password else None,
    )
    if charter:
        await record_acceptance(member, (await charter_in_force()).version)
    _, secret = await issue_token(member)
    return member, {"Authorization": f"Bearer {secret}"}


async def make_member(app: EntraideApp, **fields: Any) -> tuple[Member, Headers]:
    """:func:`new_member` in ``app``'s database."""
    with app.node.db.activate():
        return await new_member(**fields)


async def new_proxy(association: Association, pseudonym: str = "Jean") -> Member:
    """A proxy profile (a person in need without a phone) managed by ``association``."""
    return await Member.create(
        pseudonym=pseudonym, kind=MemberKind.PERSON_IN_NEED, managed_by=association
    )


async def make_proxy(app: EntraideApp, association: Association, pseudonym: str = "Jean") -> Member:
    with app.node.db.activate():
        return await new_proxy(association, pseudonym)


# --- associations --------------------------------------------------------------------------------


async def new_association(
    name: str = "Les Amis",
    members: dict[Member, AssociationRole] | None = None,
    *,
    status: AssociationStatus = AssociationStatus.APPROVED,
    slug: str | None = None,
) -> Association:
    """An association (approved unless said) with ``members`` in their roles."""
    association = await Association.create(
        name=name, slug=slug or name.lower().replace(" ", "-"), status=status
    )
    for member, role in (members or {}).items():
        await AssociationMembership.create(association=association, member=member, role=role)
    return association


async def make_association(
    app: EntraideApp,
    members: dict[Member, AssociationRole] | None = None,
    *,
    name: str = "Les Amis",
    status: AssociationStatus = AssociationStatus.APPROVED,
) -> Association:
    with app.node.db.activate():
        return await new_association(name, members, status=status)


async def add_member(
    app: EntraideApp, member: Member, association: Association, role: str | AssociationRole
) -> None:
    with app.node.db.activate():
        await AssociationMembership.create(
            association=association, member=member, role=AssociationRole(role)
        )


# --- actions -------------------------------------------------------------------------------------


def action_body(**overrides: Any) -> dict[str, Any]:
    """What ``POST /api/v1/actions`` takes for a need (``overrides`` change any key)."""
    body: dict[str, Any] = {
        "kind": "need",
        "category": "food",
        "title": "Un repas chaud",
        "description": "Ce soir si possible.",
        "lat": PARIS[0],
        "lon": PARIS[1],
    }
    body.update(overrides)
    return body


def outing_body(**overrides: Any) -> dict[str, Any]:
    """An outing in two days, for two hours, two places."""
    start = clock.now() + timedelta(days=2)
    body = action_body(
        kind="outing",
        category="social",
        title="Café au parc",
        starts_at=start.isoformat(),
        ends_at=(start + timedelta(hours=2)).isoformat(),
        place_name="Parc des Buttes-Chaumont",
        capacity=2,
    )
    body.update(overrides)
    return body


def need_body(title: str = "Un manteau chaud pour l'hiver", **extra: Any) -> dict[str, Any]:
    """A need for clothes, with a two-line description."""
    fields = {"category": "clothes", "description": "Taille L, pour Karim.\nMerci !"}
    return action_body(title=title, **{**fields, **extra})


async def post_action(client: Any, headers: Headers, **overrides: Any) -> dict[str, Any]:
    """Post :func:`action_body` through the API; the created action's JSON."""
    response = await client.post("/api/v1/actions", json=action_body(**overrides), headers=headers)
    assert response.status_code == 201, await response.get_data(as_text=True)
    data: dict[str, Any] = await response.get_json()
    return data


async def seed_actions(
    app: EntraideApp,
    author: Member,
    points: list[tuple[float, float]],
    **fields: Any,
) -> list[Action]:
    """Insert actions in bulk (one per point), one second apart, newest last."""
    from node.services import geo

    now = clock.now()
    rows = []
    for index, (lat, lon) in enumerate(points):
        public = geo.publish(lat, lon)
        created = now - timedelta(seconds=len(points) - index)
        values: dict[str, Any] = {
            "kind": ActionKind.NEED,
            "category": ActionCategory.FOOD,
            "title": f"Action {index}",
            "author": author,
            "lat": lat,
            "lon": lon,
            "public_lat": public.lat,
            "public_lon": public.lon,
            "h3_cell": public.h3_cell,
            "h3_r7": public.h3_r7,
            "h3_r5": public.h3_r5,
            "unit_x": public.unit_x,
            "unit_y": public.unit_y,
            "unit_z": public.unit_z,
            "expires_at": now + timedelta(days=30),
            "created_at": created,
            "updated_at": created,
        }
        values.update(fields)
        rows.append(Action(**values))
    with app.node.db.activate():
        await Action.bulk_create(rows, batch_size=500)
    return rows


def ring_points(
    centre: tuple[float, float], distances_km: list[float], seed: int = 1
) -> list[tuple[float, float]]:
    """Points at ``distances_km`` from ``centre``, in random directions (reproducible)."""
    from node.services import geo

    rng = random.Random(seed)
    return [geo.destination(*centre, rng.uniform(0, 2 * math.pi), d) for d in distances_km]


# --- outreach: a cast of association members, rounds and encounters ----------------------------


@dataclass
class Cast:
    """Everyone the outreach tests need, each as (member, auth headers)."""

    app: EntraideApp
    assoc: Association
    other: Association
    pending: Association
    people: dict[str, tuple[Member, Headers]] = field(default_factory=dict)

    def h(self, who: str) -> Headers:
        return self.people[who][1]

    def id(self, who: str) -> str:
        return str(self.people[who][0].id)


async def make_cast(app: EntraideApp) -> Cast:
    """Association "Maraude Nord" (admin, coordinator, volunteer on the team, volunteer off
    it, an unverified volunteer), "Samu Social" (its coordinator), a pending association's
    coordinator, a resident and a node admin who belongs to no association."""
    cast = Cast(
        app=app,
        assoc=await make_association(app, name="Maraude Nord"),
        other=await make_association(app, name="Samu Social"),
        pending=await make_association(app, name="En Attente", status=AssociationStatus.PENDING),
    )
    plan = [
        ("admin", cast.assoc, "admin", True),
        ("coord", cast.assoc, "coordinator", True),
        ("vol", cast.assoc, "volunteer", True),
        ("vol2", cast.assoc, "volunteer", True),
        ("unverified", cast.assoc, "volunteer", False),
        ("other_coord", cast.other, "coordinator", True),
        ("pending_coord", cast.pending, "coordinator", True),
    ]
    for who, association, role, verified in plan:
        member, headers = await make_member(app, verified=verified, kind="association")
        await add_member(app, member, association, role)
        cast.people[who] = (member, headers)
    cast.people["resident"] = await make_member(app)
    cast.people["node_admin"] = await make_member(app, admin=True)
    return cast


def round_body(cast: Cast, **overrides: Any) -> dict[str, Any]:
    """What ``POST /api/v1/rounds`` takes: a round of "Maraude Nord" now, with "vol" on it."""
    body: dict[str, Any] = {
        "association_id": str(cast.assoc.id),
        "area": "Gare du Nord — canal Saint-Martin",
        "team_name": "Équipe du mardi",
        "kind": "food",
        "mode": "foot",
        "planned_at": clock.now().isoformat(),
        "team": [cast.id("vol")],
    }
    body.update(overrides)
    return body


async def planned_round(
    client: Any, cast: Cast, by: str = "coord", **overrides: Any
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/rounds", json=round_body(cast, **overrides), headers=cast.h(by)
    )
    assert response.status_code == 201, await response.get_data(as_text=True)
    return await response.get_json()  # type: ignore[no-any-return]


async def started_round(
    client: Any, cast: Cast, by: str = "coord", starter: str = "vol", **overrides: Any
) -> dict[str, Any]:
    round_ = await planned_round(client, cast, by, **overrides)
    response = await client.post(f"/api/v1/rounds/{round_['id']}/start", headers=cast.h(starter))
    assert response.status_code == 200, await response.get_data(as_text=True)
    return await response.get_json()  # type: ignore[no-any-return]


async def record(client: Any, cast: Cast, round_id: str, who: str = "vol", **overrides: Any) -> Any:
    """Record an encounter at Gare du Nord (a meal and a hot drink); the API's response."""
    body: dict[str, Any] = {
        "lat": NORTH[0],
        "lon": NORTH[1],
        "items": ["meal", "hot_drink"],
        "asleep": False,
    }
    body.update(overrides)
    return await client.post(
        f"/api/v1/rounds/{round_id}/encounters", json=body, headers=cast.h(who)
    )


# --- open data for the solidarity guide ----------------------------------------------------------

# Names with the category words data·inclusion has no theme for, and the themes it has.
_GUIDE_KINDS = (
    ("Bains-douches", None),
    ("Bagagerie solidaire", None),
    ("Laverie solidaire", None),
    ("Restaurant solidaire", "equipement-et-alimentation--alimentation"),
    ("Halte de nuit", "logement-hebergement--rechercher-une-solution-dhebergement-temporaire"),
    ("Centre de santé", "sante--acces-aux-soins"),
)
_STREETS = (
    "rue Oberkampf",
    "boulevard de la Villette",
    "rue du Faubourg Saint-Denis",
    "rue de Charonne",
)


@dataclass
class GuideDataFiles:
    """A data·inclusion structures file and services file (JSON rows), with what a correct
    import must make of them: the service ids it keeps and (row, field) of those it refuses."""

    structures: list[dict[str, Any]]
    services: list[dict[str, Any]]
    kept: set[str]
    refused: set[tuple[int, str]]


def datainclusion_rows(count: int = 300, seed: int = 7) -> GuideDataFiles:
    """``count`` services (one structure each) around Paris, as a producer publishes them; every
    tenth service is broken in one of the ways real files are (a bad postcode, a name too
    short, no date, an unknown theme, no point anywhere, hours that are not opening_hours)."""
    rng = random.Random(seed)
    structures: list[dict[str, Any]] = []
    services: list[dict[str, Any]] = []
    kept: set[str] = set()
    refused: set[tuple[int, str]] = set()
    breakages = (
        ("code_postal", "7501"),
        ("nom", "Ab"),
        ("date_maj", None),
        ("thematiques", ["pas-un-theme"]),
        ("latitude", "nowhere"),
        ("horaires_accueil", "lundi matin"),
        ("courriel", "pas un courriel"),
    )
    for number in range(1, count + 1):
        kind, theme = _GUIDE_KINDS[number % len(_GUIDE_KINDS)]
        lat = PARIS[0] + rng.uniform(-0.03, 0.03)
        lon = PARIS[1] + rng.uniform(-0.04, 0.04)
        structure_id = f"test-producteur--s{number}"
        structures.append(
            {
                "source": "test-producteur",
                "id": structure_id,
                "nom": f"{kind} {number}",
                "date_maj": "2026-11-0" + str(1 + number % 9),
                "adresse": f"{number} {_STREETS[number % len(_STREETS)]}",
                "code_postal": "750" + f"{1 + number % 20:02d}",
                "commune": "Paris",
                "latitude": lat,
                "longitude": lon,
                "telephone": "01 40 00 00 00",
                "horaires_accueil": "Mo-Fr 09:00-17:00; PH off",
            }
        )
        service: dict[str, Any] = {
            "source": "test-producteur",
            "id": f"test-producteur--{number}",
            "structure_id": structure_id,
            "nom": f"{kind} {number}",
            "description": f"{kind} ouvert à toutes et tous, sans condition.",
            "date_maj": "2026-11-0" + str(1 + number % 9),
            "thematiques": [theme] if theme else None,
            "publics": ["tous-publics"] if number % 3 else ["femmes", "familles"],
            "frais": "gratuit",
            "modes_accueil": ["en-presentiel"],
            "horaires_accueil": "Mo-Sa 08:30-12:30" if number % 2 else None,
        }
        if number % 10 == 0:
            field_name, value = breakages[(number // 10) % len(breakages)]
            if field_name == "latitude":
                del structures[-1]["latitude"], structures[-1]["longitude"]
                refused.add((number, "latitude"))
            elif value is None:
                del service[field_name]
                refused.add((number, field_name))
            else:
                service[field_name] = value
                refused.add((number, field_name))
        else:
            kept.add(service["id"])
        services.append(service)
    return GuideDataFiles(structures, services, kept, refused)


# --- calls for help ------------------------------------------------------------------------------


def call_body(kind: str = "donations", association: Any = None, **overrides: Any) -> dict[str, Any]:
    """What ``POST /api/v1/calls`` takes: a donations call (or ``kind``) to 1 km around Paris."""
    body: dict[str, Any] = {
        "kind": kind,
        "title": "Grand froid : duvets et chaussures",
        "body": "Déposez au local, merci !",
        "place_name": "12 rue des Lilas",
        "opening_hours": "lun-ven 9h-18h",
        "ends_at": (clock.now() + timedelta(days=7)).isoformat(),
        "area": {"lat": PARIS[0], "lon": PARIS[1], "radius_km": 1.0},
    }
    if kind == "donations":
        body["items"] = [
            {"label": "Duvets", "quantity": 20},
            {"label": "Chaussures 42-44", "quantity": 10},
        ]
    elif kind == "volunteers":
        body["people"] = 3
        body["skills"] = "cuisine"
        body["starts_at"] = (clock.now() + timedelta(days=2)).isoformat()
    if association is not None:
        body["association_id"] = str(association.id)
    body.update(overrides)
    return body


async def set_area(client: Any, headers: Headers, point: tuple[float, float] = PARIS) -> None:
    """The member hears about calls around ``point``."""
    response = await client.put(
        "/api/v1/members/me/area", json={"lat": point[0], "lon": point[1]}, headers=headers
    )
    assert response.status_code == 200, await response.get_data(as_text=True)


async def new_guide_place(name: str, lat: float, lon: float, **fields: Any) -> Any:
    """A place of the solidarity guide, stored as an import is (so events are recorded as for
    a real one); open round the clock unless ``opening_hours`` says otherwise."""
    from node.services.guide_data.records import PlaceRecord
    from node.services.places.store import store_record

    node = fields.pop("node")
    values: dict[str, Any] = {
        "source": "test-places",
        "source_id": f"p{next(_numbers)}",
        "name": name,
        "lat": lat,
        "lon": lon,
        "categories": ("shower",),
        "opening_hours": "24/7",
        "checked_on": clock.now().date(),
    }
    values.update(fields)
    values["categories"] = tuple(values["categories"])
    return (await store_record(node, PlaceRecord(**values))).place
