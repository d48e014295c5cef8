"""A realistic French demo for a fresh node: associations, residents, a person in need followed
by an association, needs, offers and an outing around the node's area.

Every demo member has the password :data:`DEMO_PASSWORD`; their phone numbers are in the
``+33 6 00 00 00 xx`` range, which no real subscriber holds.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import timedelta

from tortoise.transactions import in_transaction

from node import clock
from node.models import (
    ActionCategory,
    ActionKind,
    Association,
    AssociationRole,
    Member,
    MemberKind,
    Visibility,
)
from node.services.actions import create_action
from node.services.associations import add_member, create_association, create_proxy_profile
from node.services.members import create_member
from node.settings import Settings
from node.state import NodeState

DEMO_PASSWORD = "entraide-demo"


@dataclass(frozen=True)
class DemoPerson:
    pseudonym: str
    phone: str
    kind: MemberKind
    admin: bool = False


PEOPLE = [
    DemoPerson("Admin du nœud", "+33600000001", MemberKind.RESIDENT, admin=True),
    DemoPerson("Léa", "+33600000002", MemberKind.RESIDENT),
    DemoPerson("Karim", "+33600000003", MemberKind.RESIDENT),
    DemoPerson("Sophie (Emmaüs)", "+33600000004", MemberKind.ASSOCIATION),
    DemoPerson("Jean (Armée du Salut)", "+33600000005", MemberKind.ASSOCIATION),
    DemoPerson("Marc", "+33600000006", MemberKind.PERSON_IN_NEED),
]

ASSOCIATIONS = [
    ("Emmaüs Solidarité", "Accueil, hébergement et maraudes.", "Sophie (Emmaüs)"),
    ("Armée du Salut", "Maraudes alimentaires et accueil de jour.", "Jean (Armée du Salut)"),
    ("ATD Quart Monde", "Agir avec les personnes en grande pauvreté.", None),
]

# (author, kind, category, title, description)
ACTIONS = [
    (
        "Marc",
        ActionKind.NEED,
        ActionCategory.CLOTHES,
        "Chaussures pointure 43",
        "Mes chaussures sont trouées, l'hiver arrive.",
    ),
    (
        "Léa",
        ActionKind.OFFER,
        ActionCategory.SOCIAL,
        "Un café et un moment pour discuter",
        "Je passe tous les matins vers 8 h, je peux offrir un café.",
    ),
    (
        "Karim",
        ActionKind.OFFER,
        ActionCategory.HAIRCUT,
        "Coupe de cheveux offerte",
        "Coiffeur, je propose une coupe le lundi, mon jour de fermeture.",
    ),
    (
        "Marc",
        ActionKind.NEED,
        ActionCategory.PAPERWORK,
        "Aide pour un dossier de domiciliation",
        "J'ai besoin d'aide pour remplir les papiers.",
    ),
    (
        "Léa",
        ActionKind.OFFER,
        ActionCategory.FOOD,
        "Repas chaud le dimanche",
        "Je cuisine pour quatre personnes de plus le dimanche midi.",
    ),
    (
        "Karim",
        ActionKind.NEED,
        ActionCategory.HYGIENE,
        "Kits d'hygiène pour la maraude",
        "Nous manquons de brosses à dents et de savon.",
    ),
    (
        "Léa",
        ActionKind.OFFER,
        ActionCategory.HEALTH,
        "Accompagnement chez le dentiste",
        "Je peux accompagner quelqu'un à un rendez-vous.",
    ),
]


def _near(settings: Settings, rng: random.Random) -> tuple[float, float]:
    radius = min(settings.area_radius_km, 5.0) * math.sqrt(rng.random())
    angle = rng.random() * 2 * math.pi
    lat = settings.area_lat + (radius / 111.32) * math.cos(angle)
    lon = settings.area_lon + (radius / (111.32 * math.cos(math.radians(settings.area_lat)))) * (
        math.sin(angle)
    )
    return lat, lon


def log_ins() -> list[str]:
    """How to log in as the demo members (the README sends newcomers here)."""
    lines = [f"Log in with one of these phones and the password {DEMO_PASSWORD!r}:"]
    lines += [f"  {p.phone}  {p.pseudonym}" + (" (admin)" if p.admin else "") for p in PEOPLE]
    lines.append(
        "Street committee: Marc (facilitator), Monsieur R. (through Emmaüs), Léa, Karim; "
        "the admin's partnerships, blocks and association approvals wait for its vote."
    )
    return lines


OWN_ACCOUNTS = [
    "Log in with the accounts of the node, or create an administrator with "
    "`entraide create-admin --phone … --email …`.",
]


async def seed_demo(node: NodeState, *, only_if_empty: bool, committee: bool = True) -> str:
    """Seed the demo once; returns what was done and how to log in. Running it again, or on a
    node that already has data, adds nothing twice and never fails half way: the demo goes in
    as one transaction. Build ``node`` with ``federate=False``: demo posts are no news for
    partners."""
    demo_phones = [person.phone for person in PEOPLE]
    present = await Member.filter(phone__in=demo_phones).count()
    if present == len(PEOPLE):
        return "\n".join(["The demo data is already on this node.", *log_ins()])
    if present:
        return "\n".join(
            [
                "Some demo phone numbers (+33 6 00 00 00 0x) already have accounts; "
                "no demo data added.",
                *OWN_ACCOUNTS,
            ]
        )
    if only_if_empty and await Member.exists():
        return "\n".join(["The node already has members; no demo data added.", *OWN_ACCOUNTS])
    async with in_transaction():
        await _seed(node, committee=committee)
    return "\n".join(
        [
            f"Demo data added: {len(PEOPLE)} members, {len(ASSOCIATIONS)} associations, "
            f"{len(ACTIONS) + 2} actions.",
            *log_ins(),
        ]
    )


async def _association(
    node: NodeState, name: str, description: str, admin: Member | None
) -> Association:
    """The demo association, or the node's own one of that name (kept as it is)."""
    existing = await Association.get_or_none(name=name)
    if existing is not None:
        return existing
    return await create_association(
        name=name, description=description, created_by=admin, approved=True, node=node
    )


async def _seed(node: NodeState, *, committee: bool) -> None:
    settings = node.settings
    rng = random.Random(2026)
    people: dict[str, Member] = {}
    for person in PEOPLE:
        people[person.pseudonym] = await create_member(
            node,
            phone=person.phone,
            email=f"demo{person.phone[-2:]}@example.org",
            password=DEMO_PASSWORD,
            pseudonym=person.pseudonym,
            kind=person.kind,
            is_admin=person.admin,
            verified=True,
        )
    associations = {}
    for name, description, admin in ASSOCIATIONS:
        associations[name] = await _association(
            node, name, description, people[admin] if admin else None
        )
    await add_member(associations["Emmaüs Solidarité"], people["Karim"], AssociationRole.VOLUNTEER)
    sophie = people["Sophie (Emmaüs)"]
    proxy = await create_proxy_profile(
        associations["Emmaüs Solidarité"],
        pseudonym="Monsieur R.",
        consent_statement="Accord oral donné lors de la maraude du mardi, en présence de deux "
        "bénévoles.",
        recorded_by=sophie,
    )
    for author, kind, category, title, description in ACTIONS:
        lat, lon = _near(settings, rng)
        await create_action(
            people[author],
            kind=kind,
            category=category,
            title=title,
            description=description,
            lat=lat,
            lon=lon,
            ttl_days=settings.action_ttl_days,
            node=node,
        )
    lat, lon = _near(settings, rng)
    await create_action(
        sophie,
        kind=ActionKind.NEED,
        category=ActionCategory.CLOTHES,
        title="Un manteau chaud pour Monsieur R.",
        description="Taille L, il dort dehors près de la gare.",
        lat=lat,
        lon=lon,
        association_id=associations["Emmaüs Solidarité"].id,
        on_behalf_of=proxy.id,
        consent=True,
        ttl_days=settings.action_ttl_days,
        node=node,
    )
    lat, lon = _near(settings, rng)
    start = (clock.now() + timedelta(days=3)).replace(hour=18, minute=0, second=0, microsecond=0)
    await create_action(
        sophie,
        kind=ActionKind.OUTING,
        category=ActionCategory.SOCIAL,
        title="Soirée jeux de société",
        description="Ouverte à toutes et à tous, boissons chaudes offertes.",
        lat=lat,
        lon=lon,
        visibility=Visibility.PUBLIC,
        association_id=associations["Emmaüs Solidarité"].id,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        place_name="Local de l'association",
        capacity=20,
        ttl_days=settings.action_ttl_days,
        node=node,
    )
    if committee:
        await _street_committee(
            [people["Marc"], proxy, people["Léa"], people["Karim"]], proxy_consent=PROXY_CONSENT
        )


PROXY_CONSENT = "Monsieur R. a accepté de siéger au comité, devant deux bénévoles d'Emmaüs."


async def _street_committee(members: list[Member], *, proxy_consent: str) -> None:
    """The demo's street committee: Marc facilitates; Monsieur R. sits through his association,
    with his consent. A quorum of 3, so that the four of them can decide."""
    from node.models import CommitteeMember, CommitteeRole
    from node.services.committee.rules import get_committee

    if await CommitteeMember.exists():
        return
    now = clock.now()
    for index, member in enumerate(members):
        await CommitteeMember.create(
            member=member,
            active_member_id=member.id,
            role=CommitteeRole.FACILITATOR if index == 0 else CommitteeRole.MEMBER,
            consent_statement=proxy_consent if member.is_proxy else None,
            joined_at=now,
        )
    committee = await get_committee()
    committee.quorum = 3
    await committee.save()
