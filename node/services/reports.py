"""Reports (signalements): a member says "this is wrong" about an action, a message, a member,
an association, or any object of another server (by IRI).

A report in the ``danger`` category (someone in danger) answers at once with the emergency
numbers of the node's country and tells the node's moderators immediately (an urgent
notification: no digest, no quiet hours). The reporter is later told the outcome in a sentence
that names nobody.

Targets are written ``kind:id`` (``action:<uuid>``, ``message:<number>``, ``member:<uuid>``,
``association:<uuid>``, ``call:<uuid>``, ``place:<uuid>``) or given as an IRI: one of this node's (``https://node/actions/<uuid>``)
is the local object, any other ``https`` IRI is a remote object.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit
from uuid import UUID

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Problem, TooManyRequests, Unprocessable
from node.events import ReportMade
from node.iris import is_local
from node.models import (
    Action,
    Association,
    Call,
    CallMessage,
    Member,
    Message,
    Place,
    RemoteActor,
    Report,
    ReportCategory,
    ReportTarget,
)
from node.services import house_rules, ratelimit
from node.settings import Settings
from node.state import NodeState

TEXT_MAX = 2000
IRI_MAX = 2048
RATE_WINDOW = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class EmergencyNumber:
    number: str
    fr: str
    en: str


# Free numbers that answer day and night, per country (ISO 3166-1 alpha-2).
EMERGENCY_NUMBERS: dict[str, tuple[EmergencyNumber, ...]] = {
    "FR": (
        EmergencyNumber("115", "Hébergement d'urgence (Samu social)", "Emergency shelter"),
        EmergencyNumber("15", "Urgence médicale (SAMU)", "Medical emergency"),
        EmergencyNumber("17", "Police secours", "Police"),
        EmergencyNumber("112", "Urgences (toute l'Europe)", "Emergency (all of Europe)"),
        EmergencyNumber("119", "Enfance en danger", "Children in danger"),
    ),
    "BE": (
        EmergencyNumber("112", "Urgences (pompiers, ambulance)", "Emergency (fire, ambulance)"),
        EmergencyNumber("101", "Police", "Police"),
        EmergencyNumber("103", "Écoute enfants", "Children's helpline"),
    ),
    "CH": (
        EmergencyNumber("144", "Urgence médicale", "Medical emergency"),
        EmergencyNumber("117", "Police", "Police"),
        EmergencyNumber("112", "Urgences", "Emergency"),
        EmergencyNumber("147", "Aide aux enfants et aux jeunes", "Children's helpline"),
    ),
}
_DEFAULT = (EmergencyNumber("112", "Urgences", "Emergency"),)


def emergency_numbers(settings: Settings) -> tuple[EmergencyNumber, ...]:
    """The numbers shown to someone reporting a person in danger: the operator's own list
    (``emergency_numbers = "115=Hébergement d'urgence,15=SAMU"``) or the country's."""
    if settings.emergency_numbers:
        numbers = []
        for item in settings.emergency_numbers.split(","):
            number, _, label = item.partition("=")
            numbers.append(EmergencyNumber(number.strip(), label.strip(), label.strip()))
        return tuple(numbers)
    return EMERGENCY_NUMBERS.get(settings.country, _DEFAULT)


@dataclass(frozen=True, slots=True)
class Target:
    kind: ReportTarget
    id: str
    actor_iri: str | None = None


_LOCAL_PATHS = {
    "actions": ReportTarget.ACTION,
    "members": ReportTarget.MEMBER,
    "associations": ReportTarget.ASSOCIATION,
    "calls": ReportTarget.CALL,
}
_KIND_ID = re.compile(r"^([a-z_]+):(.+)$")


def _bad_target(message: str) -> Problem:
    return Unprocessable.field("target", message)


async def _local(kind: ReportTarget, raw_id: str) -> Target:
    """The local object ``kind``/``raw_id``; 422 when there is none (nothing else is said)."""
    unknown = _bad_target("There is nothing to report at this address.")
    if kind in (ReportTarget.MESSAGE, ReportTarget.CALL_MESSAGE):
        if not raw_id.isdigit() or len(raw_id) > 19:
            raise unknown
        model = Message if kind == ReportTarget.MESSAGE else CallMessage
        if not await model.exists(id=int(raw_id)):
            raise unknown
        return Target(kind, raw_id)
    try:
        uuid = UUID(raw_id)
    except ValueError:
        raise unknown from None
    if kind == ReportTarget.ACTION:
        exists = await Action.exists(id=uuid)
    elif kind == ReportTarget.MEMBER:
        exists = await Member.exists(id=uuid)
    elif kind == ReportTarget.CALL:
        exists = await Call.exists(id=uuid)
    elif kind == ReportTarget.PLACE:
        exists = await Place.exists(id=uuid)
    else:
        exists = await Association.exists(id=uuid)
    if not exists:
        raise unknown
    return Target(kind, str(uuid))


async def _remote(iri: str) -> Target:
    """An object of another server. Its actor is the one we know by that IRI, the author of
    the action or chat line we hold under it, or the known actor whose IRI starts the object's
    (Mastodon's ``…/users/x/statuses/1``, GoToSocial's ``…/users/x/statuses/01H…``)."""
    actor = await RemoteActor.get_or_none(ap_id=iri)
    if actor is not None:
        return Target(ReportTarget.REMOTE, iri, iri)
    action = await Action.get_or_none(ap_id=iri)
    if action is not None and action.remote_actor_iri is not None:
        return Target(ReportTarget.REMOTE, iri, action.remote_actor_iri)
    message = await Message.get_or_none(ap_id=iri)
    if message is not None and message.remote_actor_iri is not None:
        return Target(ReportTarget.REMOTE, iri, message.remote_actor_iri)
    host = urlsplit(iri).hostname or ""
    known = await RemoteActor.filter(domain=host).limit(500).values_list("ap_id", flat=True)
    owners = [str(a) for a in known if iri.startswith(f"{a}/")]
    return Target(ReportTarget.REMOTE, iri, max(owners, key=len) if owners else None)


async def resolve_target(settings: Settings, raw: str) -> Target:
    raw = raw.strip()
    if not raw or len(raw) > IRI_MAX:
        raise _bad_target(
            f"Give the object as kind:id or as an IRI (at most {IRI_MAX} characters)."
        )
    if raw.startswith(("https://", "http://")):
        if is_local(settings, raw):
            parts = urlsplit(raw).path.strip("/").split("/")
            if len(parts) == 2 and parts[0] in _LOCAL_PATHS:
                return await _local(_LOCAL_PATHS[parts[0]], parts[1])
            raise _bad_target("There is nothing to report at this address.")
        if urlsplit(raw).hostname is None:
            raise _bad_target("This IRI has no host.")
        return await _remote(raw)
    match = _KIND_ID.match(raw)
    kinds = [k.value for k in ReportTarget if k != ReportTarget.REMOTE]
    if match is None or match.group(1) not in kinds:
        raise _bad_target(f"Give the object as kind:id ({', '.join(kinds)}) or as an IRI.")
    return await _local(ReportTarget(match.group(1)), match.group(2))


async def _check_rate(settings: Settings, member: Member) -> None:
    count, start = await ratelimit.hit(f"report:{member.id}", RATE_WINDOW)
    if count > settings.reports_per_hour:
        raise TooManyRequests(
            "Too many reports in an hour; try again later.",
            headers={"Retry-After": ratelimit.retry_after(start, RATE_WINDOW)},
        )


async def make_report(
    node: NodeState,
    reporter: Member,
    *,
    target: str,
    category: ReportCategory,
    text: str = "",
    rule: int | None = None,
) -> Report:
    """Record a report; :class:`ReportMade` tells the moderators (at once for ``danger``).
    ``rule``: the number of the house rule the reporter says was broken (optional)."""
    text = text.strip()
    if len(text) > TEXT_MAX:
        raise Unprocessable.field("text", f"At most {TEXT_MAX} characters.")
    broken = await house_rules.cited(rule)
    found = await resolve_target(node.settings, target)
    if found.kind == ReportTarget.MEMBER and found.id == str(reporter.id):
        raise Unprocessable.field("target", "You cannot report yourself.")
    await _check_rate(node.settings, reporter)
    async with in_transaction():
        report = await Report.create(
            reporter=reporter,
            target_kind=found.kind,
            target_id=found.id,
            target_actor_iri=found.actor_iri,
            category=category,
            text=text,
            rule=broken,
            created_at=clock.now(),
        )
        await node.events.record(node, ReportMade(report=report))
    return report


async def reports_by(member: Member, limit: int = 50) -> list[Report]:
    """The member's own reports, newest first, with their outcome."""
    return await Report.filter(reporter=member).order_by("-created_at", "-id").limit(limit)


async def receive_flag(
    node: NodeState,
    *,
    origin_domain: str,
    activity_id: str,
    objects: list[str],
    content: str,
) -> Report | None:
    """A ``Flag`` from another server about content of this node: one report in the queue,
    never an action by itself. ``objects`` are IRIs (Mastodon and GoToSocial send the reported
    actor first, then the reported posts); the first post of ours is the target, else the first
    actor of ours. None when nothing named is ours, or the same Flag came twice."""
    if await Report.exists(flag_activity_id=activity_id):
        return None
    found: list[Target] = []
    for iri in objects[:50]:
        if len(iri) > IRI_MAX or not is_local(node.settings, iri):
            continue
        try:
            found.append(await resolve_target(node.settings, iri))
        except Problem:
            continue  # an IRI of ours that names nothing (any more)
    if not found:
        return None
    posts = [t for t in found if t.kind != ReportTarget.MEMBER]
    target = (posts or found)[0]
    async with in_transaction():
        report = await Report.create(
            reporter=None,
            target_kind=target.kind,
            target_id=target.id,
            category=ReportCategory.OTHER,
            text=content.strip()[:TEXT_MAX],
            origin_domain=origin_domain,
            flag_activity_id=activity_id[:IRI_MAX],
            created_at=clock.now(),
        )
        await node.events.record(node, ReportMade(report=report))
    return report
