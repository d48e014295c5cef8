"""Notices that come from time passing or from the state of other nodes rather than from one
event: the reminder the day before an outing, a partner node that stopped answering, a
partnership request received from another node, an association waiting for approval.

Each job is idempotent: it looks for what has not been told yet (an existing notification of the
same kind about the same thing), so several workers, or a worker killed and restarted, tell
each person once.
"""

from __future__ import annotations

from datetime import timedelta
from uuid import UUID

from tortoise.transactions import in_transaction

from node import clock
from node.models import (
    Action,
    ActionKind,
    ActionStatus,
    Association,
    AssociationStatus,
    Host,
    Member,
    Notification,
    Participation,
    ParticipationStatus,
    Partnership,
    PartnershipDirection,
    PartnershipStatus,
)
from node.services.notifications import notify
from node.state import NodeState

REMINDER_AHEAD = timedelta(hours=24)


async def remind_outings(node: NodeState) -> int:
    """Tell the accepted participants of outings starting within 24 hours (once each)."""
    now = clock.now()
    outings = await Action.filter(
        kind=ActionKind.OUTING,
        status=ActionStatus.OPEN,
        starts_at__gt=now,
        starts_at__lte=now + REMINDER_AHEAD,
    ).only("id", "title")
    told = 0
    for outing in outings:
        async with in_transaction():
            participants: list[UUID] = await Participation.filter(
                action_id=outing.id,
                status=ParticipationStatus.ACCEPTED,
                member_id__isnull=False,
            ).values_list("member_id", flat=True)  # type: ignore[assignment]
            reminded = set(
                await Notification.filter(kind="outing_reminder", action_id=outing.id).values_list(
                    "member_id", flat=True
                )
            )
            todo = [m for m in participants if m not in reminded]
            payload = {"actor": "", "title": outing.title, "url": f"/actions/{outing.id}"}
            told += await notify(
                node, "outing_reminder", todo, payload=payload, action_id=outing.id
            )
    return told


async def _admins() -> list[UUID]:
    ids: list[UUID] = await Member.filter(is_admin=True).values_list("id", flat=True)  # type: ignore[assignment]
    return ids


async def _told_since(kind: str, ref: str, since: object) -> bool:
    rows = await Notification.filter(kind=kind, created_at__gte=since).values_list(
        "payload", flat=True
    )
    return any(isinstance(p, dict) and p.get("ref") == ref for p in rows)


async def tell_failing_partners(node: NodeState) -> int:
    """Tell the node's admins when a partner node has been unavailable (once per outage)."""
    partners = set(
        await Partnership.filter(status=PartnershipStatus.ACCEPTED).values_list(
            "remote_domain", flat=True
        )
    )
    if not partners:
        return 0
    told = 0
    for host in await Host.filter(unavailable_since__isnull=False, domain__in=list(partners)):
        if await _told_since("partner_failing", host.domain, host.unavailable_since):
            continue
        payload = {"actor": host.domain, "title": "", "url": "/admin", "ref": host.domain}
        async with in_transaction():
            told += await notify(node, "partner_failing", await _admins(), payload=payload)
    return told


async def tell_partnership_requests(node: NodeState) -> int:
    """Tell the node's admins about partnership requests received from other nodes (once)."""
    told = 0
    pending = await Partnership.filter(
        direction=PartnershipDirection.INCOMING, status=PartnershipStatus.PENDING
    )
    for partnership in pending:
        ref = str(partnership.id)
        if await _told_since("partnership_requested", ref, partnership.created_at):
            continue
        payload = {"actor": partnership.remote_domain, "title": "", "url": "/admin", "ref": ref}
        async with in_transaction():
            told += await notify(node, "partnership_requested", await _admins(), payload=payload)
    return told


async def tell_associations_awaiting(node: NodeState) -> int:
    """Tell the node's admins about associations waiting for approval (once each)."""
    told = 0
    for association in await Association.filter(status=AssociationStatus.PENDING):
        ref = str(association.id)
        if await _told_since("association_awaiting", ref, association.created_at):
            continue
        payload = {"actor": "", "title": association.name, "url": "/admin", "ref": ref}
        async with in_transaction():
            told += await notify(node, "association_awaiting", await _admins(), payload=payload)
    return told
