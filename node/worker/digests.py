"""Digest mails: gather each member's unread notifications older than the digest delay into one
:class:`DigestMail` row (at most ``digest_max_per_day`` a day), then send those rows.

Gathering and sending are two steps so that a mail is a durable row before it goes: a worker
killed after gathering sends it on the next round; one killed mid-send leaves the row claimed
until its lease runs out.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from node import clock
from node.claims import claim
from node.models import ChannelState, DigestMail, Member, Notification
from node.notify.digest import compose
from node.state import NodeState

log = logging.getLogger("entraide.notify")

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 8
MEMBERS_PER_ROUND = 200


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min … capped at 6 h, with ±20 % jitter so retries do not march together."""
    seconds = min(30 * 2 ** max(attempts - 1, 0), 6 * 3600)
    return timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def _day_start(node: NodeState, now: datetime) -> datetime:
    zone = ZoneInfo(node.settings.timezone)
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone).astimezone(now.tzinfo)


async def gather_digests(node: NodeState) -> int:
    """Write the digest rows that are due; returns how many."""
    now = clock.now()
    cutoff = now - timedelta(minutes=node.settings.digest_delay_minutes)
    # Read before the delay ran out: no mail for those.
    await Notification.filter(email_status=ChannelState.PENDING, read_at__isnull=False).update(
        email_status=ChannelState.SKIPPED
    )
    due = (
        await Notification.filter(email_status=ChannelState.PENDING, created_at__lte=cutoff)
        .distinct()
        .limit(MEMBERS_PER_ROUND)
        .values_list("member_id", flat=True)
    )
    written = 0
    today = _day_start(node, now)
    for member_id in due:
        sent_today = await DigestMail.filter(member_id=member_id, created_at__gte=today).count()
        if sent_today >= node.settings.digest_max_per_day:
            continue  # the rest waits for tomorrow's first digest
        async with in_transaction():
            digest = await DigestMail.create(
                member_id=member_id, next_attempt_at=now, created_at=now
            )
            # Every unread one, also those newer than the delay: one mail, not several.
            taken = await Notification.filter(
                member_id=member_id, email_status=ChannelState.PENDING, read_at__isnull=True
            ).update(email_status=ChannelState.SENDING, digest_id=digest.id)
            if not taken:  # another worker gathered them first
                await digest.delete()
                continue
        written += 1
    return written


async def send_digests(node: NodeState, *, limit: int = 20) -> int:
    """Send the claimed digest rows; returns how many mails went."""
    rows = await claim(
        DigestMail,
        now=clock.now(),
        lease=LEASE,
        queued=ChannelState.PENDING,
        working=ChannelState.SENDING,
        limit=limit,
        postgres=DigestMail._meta.db.capabilities.dialect == "postgres",
    )
    sent = 0
    for digest in rows:
        member = await Member.get_or_none(id=digest.member_id)  # type: ignore[attr-defined]
        items = await Notification.filter(digest_id=digest.id).order_by("id")
        if member is None or member.email is None or not items:
            await DigestMail.filter(id=digest.id).update(status=ChannelState.SKIPPED)
            continue
        mail = compose(node, digest.id, member.email, member.id, items)
        try:
            await node.mail.send(mail)
        except Exception as error:  # any mail server failure (SMTP, network): retried
            log.warning("digest mail failed: %s", type(error).__name__)
            failed = digest.attempts >= MAX_ATTEMPTS
            await DigestMail.filter(id=digest.id, claim_token=digest.claim_token).update(
                status=ChannelState.FAILED if failed else ChannelState.PENDING,
                next_attempt_at=clock.now() + backoff(digest.attempts),
                claimed_until=None,
            )
            continue
        now = clock.now()
        async with in_transaction():
            await DigestMail.filter(id=digest.id).update(status=ChannelState.SENT, sent_at=now)
            await Notification.filter(digest_id=digest.id).update(email_status=ChannelState.SENT)
        sent += 1
    return sent
