"""Round summaries (the counts of one round, as JSON, a page and a mail to the association's
coordinators) and the CSV of counts per period for an association's activity reports.

(A *report* on this node is a moderation report; what a round leaves is its summary, shown to
people as its "compte rendu".) Summaries hold counts only: no note, pseudonym or exact place ever
goes into a summary or a mail.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Literal
from uuid import UUID
from zoneinfo import ZoneInfo

from aiosmtplib import SMTPException

from node import clock
from node.errors import Unprocessable
from node.i18n import translations
from node.messaging import MailBackend, OutgoingMail
from node.models import (
    Association,
    AssociationMembership,
    Encounter,
    Member,
    OutreachItem,
    Round,
    RoundStatus,
)
from node.services import moments
from node.services.outreach_words import ITEM_LABELS, ROUND_KIND_LABELS, ROUND_MODE_LABELS
from node.services.rounds import COORDINATING
from node.services.visits import decode_items

log = logging.getLogger("entraide.outreach")

Period = Literal["day", "week", "month"]


@dataclass
class RoundSummary:
    round_id: UUID
    association: str
    area: str
    team_name: str
    kind: str
    mode: str
    status: str
    started_at: datetime | None
    ended_at: datetime | None
    auto_closed: bool
    duration_minutes: int | None
    encounters: int = 0
    asleep: int = 0
    needs_follow_up: int = 0
    items: dict[str, int] = field(default_factory=dict)
    cells: list[str] = field(default_factory=list)


def _count(summary: RoundSummary, rows: list[tuple[str, str, bool, bool]]) -> None:
    items: Counter[str] = Counter()
    cells = set()
    for cell, stored_items, asleep, follow_up in rows:
        summary.encounters += 1
        summary.asleep += int(bool(asleep))
        summary.needs_follow_up += int(bool(follow_up))
        items.update(str(i) for i in decode_items(stored_items))
        cells.add(cell)
    summary.items = {item.value: items.get(item.value, 0) for item in OutreachItem}
    summary.cells = sorted(cells)


async def round_summary(round_: Round, association: Association) -> RoundSummary:
    duration = None
    if round_.started_at is not None and round_.ended_at is not None:
        duration = int((round_.ended_at - round_.started_at).total_seconds() // 60)
    summary = RoundSummary(
        round_id=round_.id,
        association=association.name,
        area=round_.area,
        team_name=round_.team_name,
        kind=round_.kind,
        mode=round_.mode,
        status=round_.status,
        started_at=round_.started_at,
        ended_at=round_.ended_at,
        auto_closed=round_.auto_closed,
        duration_minutes=duration,
    )
    rows = await Encounter.filter(round_id=round_.id).values_list(
        "cell", "items", "asleep", "needs_follow_up"
    )
    _count(summary, rows)  # type: ignore[arg-type]
    return summary


def summary_text(
    summary: RoundSummary, *, language: str = "fr", timezone: str = "Europe/Paris"
) -> tuple[str, str]:
    """Subject and plain-text body of the mail, in the node's language: words, never codes."""
    _ = translations(language).gettext

    def line(label: str, value: object) -> str:
        return _("%(label)s: %(value)s") % {"label": label, "value": value}

    when = (
        moments.absolute(summary.started_at, timezone=timezone, language=language)
        if summary.started_at
        else "—"
    )
    kind = _(ROUND_KIND_LABELS.get(summary.kind, summary.kind))
    mode = _(ROUND_MODE_LABELS.get(summary.mode, summary.mode))
    duration = "—" if summary.duration_minutes is None else f"{summary.duration_minutes} min"
    if summary.auto_closed:
        duration += f" ({_('closed automatically')})"
    given = [
        "  - " + line(_(ITEM_LABELS.get(item, item)), count)
        for item, count in summary.items.items()
        if count
    ]
    lines = [
        line(_("Association"), summary.association),
        line(_("Round"), summary.area + (f" ({summary.team_name})" if summary.team_name else "")),
        line(_("Type"), f"{kind}, {mode.lower()}"),
        line(_("Started at"), when),
        line(_("Duration"), duration),
        line(_("Encounters"), summary.encounters),
        line(_("Asleep — do not wake"), summary.asleep),
        line(_("Needs a follow-up"), summary.needs_follow_up),
        line(_("Areas visited"), len(summary.cells)),
        line(_("Given"), "").rstrip(),
        *(given or [f"  ({_('nothing given')})"]),
        "",
        _("The exact places, notes and pseudonyms stay on the node and are not in this mail."),
    ]
    subject = _("Round summary — %(area)s — %(when)s") % {"area": summary.area, "when": when}
    return subject, "\n".join(lines) + "\n"


async def mail_summary(
    round_id: UUID, mail: MailBackend, *, language: str = "fr", timezone: str = "Europe/Paris"
) -> int:
    """Mail an ended round's summary to its association's coordinators and admins, once.

    The round is claimed first (``report_mailed_at``), so that the route and the periodic job,
    in any number of processes, never both send it; a failed send releases the claim and the
    job tries again later. Returns the number of mails sent."""
    now = clock.now()
    claimed = await Round.filter(
        id=round_id, status=RoundStatus.ENDED, report_mailed_at=None
    ).update(report_mailed_at=now)
    if not claimed:
        return 0
    round_ = await Round.get(id=round_id).select_related("association")
    summary = await round_summary(round_, round_.association)
    subject, body = summary_text(summary, language=language, timezone=timezone)
    member_ids = await AssociationMembership.filter(
        association_id=round_.association.id, role__in=list(COORDINATING)
    ).values_list("member_id", flat=True)
    addresses = await Member.filter(id__in=list(member_ids), email__isnull=False).values_list(
        "email", flat=True
    )
    sent = 0
    try:
        for address in sorted(str(a) for a in addresses):
            await mail.send(OutgoingMail(to=address, subject=subject, body=body))
            sent += 1
    except (OSError, SMTPException):
        log.warning("round summary %s: mail failed, retried later", round_id, exc_info=True)
        await Round.filter(id=round_id).update(report_mailed_at=None)
    return sent


async def mail_pending_summaries(
    mail: MailBackend,
    limit: int = 50,
    *,
    language: str = "fr",
    timezone: str = "Europe/Paris",
) -> int:
    """Periodic job: mail the summaries of ended rounds that were not mailed yet."""
    ids = (
        await Round.filter(status=RoundStatus.ENDED, report_mailed_at=None)
        .order_by("ended_at")
        .limit(limit)
        .values_list("id", flat=True)
    )
    sent = 0
    for round_id in ids:
        sent += await mail_summary(UUID(str(round_id)), mail, language=language, timezone=timezone)
    return sent


def period_start(moment: datetime, period: Period, zone: ZoneInfo) -> datetime:
    """The local day, week (from Monday) or month that ``moment`` falls in: an association's
    report counts a round begun at half past midnight in Paris on that Paris day."""
    day = moment.astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


CSV_COLUMNS = [
    "period_start",
    "rounds",
    "round_hours",
    "encounters",
    "asleep",
    "needs_follow_up",
    "cells_visited",
    *(item.value for item in OutreachItem),
]


async def activity_csv(
    association: Association,
    *,
    period: Period,
    since: datetime,
    until: datetime,
    timezone: str = "Europe/Paris",
) -> str:
    """Aggregated counts per period of the association's ended rounds started in [since, until)."""
    rounds = await Round.filter(
        association_id=association.id,
        status=RoundStatus.ENDED,
        started_at__gte=since,
        started_at__lt=until,
    ).values_list("id", "started_at", "ended_at")
    zone = ZoneInfo(timezone)
    period_of: dict[UUID, datetime] = {}
    rows: dict[datetime, dict[str, int]] = {}
    cells: dict[datetime, set[str]] = {}
    for rid, started, ended in rounds:
        key = period_start(started, period, zone)
        period_of[UUID(str(rid))] = key
        row = rows.setdefault(key, Counter())
        row["rounds"] += 1
        row["round_minutes"] += int((ended - started).total_seconds() // 60)
    encounters = await Encounter.filter(round_id__in=list(period_of)).values_list(
        "round_id", "cell", "items", "asleep", "needs_follow_up"
    )
    for rid, cell, items, asleep, follow_up in encounters:
        key = period_of[UUID(str(rid))]
        row = rows[key]
        row["encounters"] += 1
        row["asleep"] += int(bool(asleep))
        row["needs_follow_up"] += int(bool(follow_up))
        for item in decode_items(items):
            row[item.value] += 1
        cells.setdefault(key, set()).add(cell)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for key in sorted(rows):
        row = rows[key]
        writer.writerow(
            [
                key.date().isoformat(),
                row["rounds"],
                f"{row['round_minutes'] / 60:.1f}",
                row["encounters"],
                row["asleep"],
                row["needs_follow_up"],
                len(cells.get(key, ())),
                *(row[item.value] for item in OutreachItem),
            ]
        )
    return out.getvalue()


async def activity_export(
    association: Association,
    *,
    period: Period,
    since: date | None,
    until: date | None,
    timezone: str = "Europe/Paris",
) -> tuple[str, str]:
    """The file name and the CSV of :func:`activity_csv` for the local days [since, until] of
    ``timezone`` (default: the year up to today); 422 when the period runs backwards or spans
    more than 5 years."""
    zone = ZoneInfo(timezone)
    until = until or clock.now().astimezone(zone).date()
    since = since or until - timedelta(days=365)
    if since > until or until - since > timedelta(days=366 * 5):
        raise Unprocessable.field("since", "The period runs forward and spans at most 5 years.")
    body = await activity_csv(
        association,
        period=period,
        since=datetime.combine(since, time(), zone),
        until=datetime.combine(until + timedelta(days=1), time(), zone),
        timezone=timezone,
    )
    return f"maraudes-{association.slug}-{since}-{until}.csv", body
