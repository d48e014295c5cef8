"""Federation-wide figures: this node and its partners, summed, with each node's share.

Entourage publishes "40,000 users in Paris, Lyon, Lille and Grenoble, 80 % residents, 10 %
associations, 10 % people in precarity". A federated network has no central database to count
in: each Entraide node publishes its own counts in its NodeInfo (``metadata.entraideFigures``),
partners read them periodically, and every node can show the network's figures. Counts only,
never a person (DESIGN §5).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q

from node.models import (
    Action,
    ActionStatus,
    Member,
    MemberKind,
    PartnerFigures,
    Partnership,
    PartnershipStatus,
    Round,
)

METADATA_KEY = "entraideFigures"
# A partner's figures are refreshed this often, and shown while younger than STALE_AFTER.
REFRESH_EVERY = timedelta(minutes=15)
STALE_AFTER = timedelta(days=2)
_MAX_COUNT = 100_000_000  # larger is a lie; refuse the document rather than the sum
MEMBER_KINDS = tuple(kind.value for kind in MemberKind)


@dataclass(frozen=True)
class Figures:
    """What one node counts: members by kind, open and fulfilled actions, rounds this month."""

    members: dict[str, int] = field(default_factory=dict)
    open_actions: int = 0
    fulfilled_actions: int = 0
    rounds_this_month: int = 0

    @property
    def member_total(self) -> int:
        return sum(self.members.values())

    def as_metadata(self) -> dict[str, Any]:
        """The NodeInfo ``metadata.entraideFigures`` object (camelCase, as NodeInfo's own)."""
        return {
            "members": dict(self.members),
            "openActions": self.open_actions,
            "fulfilledActions": self.fulfilled_actions,
            "roundsThisMonth": self.rounds_this_month,
        }


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= _MAX_COUNT:
        raise ValueError(f"not a count: {value!r}")
    return value


def parse_figures(nodeinfo: dict[str, Any]) -> Figures:
    """Read a partner's figures from its NodeInfo document; ``ValueError`` when they are missing
    or malformed (a hostile or older node): nothing of it is then counted."""
    metadata = nodeinfo.get("metadata")
    raw = metadata.get(METADATA_KEY) if isinstance(metadata, dict) else None
    if not isinstance(raw, dict):
        raise ValueError("no Entraide figures in this NodeInfo")
    members = raw.get("members")
    if not isinstance(members, dict):
        raise ValueError("members is not an object")
    return Figures(
        members={kind: _count(members.get(kind, 0)) for kind in MEMBER_KINDS},
        open_actions=_count(raw.get("openActions", 0)),
        fulfilled_actions=_count(raw.get("fulfilledActions", 0)),
        rounds_this_month=_count(raw.get("roundsThisMonth", 0)),
    )


def _month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


async def local_figures(now: datetime) -> Figures:
    """This node's counts: verified members and proxy profiles by kind, its own (not remote)
    actions still open or fulfilled, rounds started since the first of the month."""
    counted = Member.filter(Q(phone_verified_at__isnull=False) | Q(phone__isnull=True))
    members = {kind: 0 for kind in MEMBER_KINDS}
    for kind in await counted.values_list("kind", flat=True):
        members[str(kind)] = members.get(str(kind), 0) + 1
    local = Action.filter(origin_domain__isnull=True)
    return Figures(
        members=members,
        open_actions=await local.filter(status=ActionStatus.OPEN, expires_at__gt=now).count(),
        fulfilled_actions=await local.filter(status=ActionStatus.FULFILLED).count(),
        rounds_this_month=await Round.filter(planned_at__gte=_month_start(now)).count(),
    )


async def partner_domains() -> list[str]:
    """Nodes whose figures we read: those of accepted partnerships."""
    rows = await Partnership.filter(status=PartnershipStatus.ACCEPTED).values_list(
        "remote_domain", flat=True
    )
    return sorted({str(domain) for domain in rows})


async def domains_due(now: datetime) -> list[str]:
    """Partner domains whose figures were never read or not for REFRESH_EVERY."""
    domains = await partner_domains()
    rows = await PartnerFigures.filter(
        domain__in=domains, tried_at__gte=now - REFRESH_EVERY
    ).values_list("domain", flat=True)
    recent = {str(domain) for domain in rows}
    return [domain for domain in domains if domain not in recent]


async def record_figures(domain: str, name: str, figures: Figures, now: datetime) -> None:
    await PartnerFigures.update_or_create(
        domain=domain,
        defaults={
            "name": name[:200],
            "figures": figures.as_metadata(),
            "fetched_at": now,
            "tried_at": now,
            "error": None,
        },
    )


async def record_failure(domain: str, reason: str, now: datetime) -> None:
    """Keep the last good figures; note when and why the refresh failed."""
    updated = await PartnerFigures.filter(domain=domain).update(tried_at=now, error=reason[:300])
    if not updated:
        await PartnerFigures.create(domain=domain, tried_at=now, error=reason[:300])


@dataclass(frozen=True)
class NodeShare:
    domain: str
    name: str
    local: bool
    figures: Figures
    share: float  # of the network's members, 0..1
    fetched_at: datetime | None


@dataclass(frozen=True)
class NetworkFigures:
    nodes: list[NodeShare]
    total: Figures

    def kind_share(self, kind: str) -> float:
        members = self.total.member_total
        return self.total.members.get(kind, 0) / members if members else 0.0


def _sum(figures: list[Figures]) -> Figures:
    return Figures(
        members={kind: sum(f.members.get(kind, 0) for f in figures) for kind in MEMBER_KINDS},
        open_actions=sum(f.open_actions for f in figures),
        fulfilled_actions=sum(f.fulfilled_actions for f in figures),
        rounds_this_month=sum(f.rounds_this_month for f in figures),
    )


async def network_figures(domain: str, name: str, now: datetime) -> NetworkFigures:
    """This node's live counts and the partners' last good ones (younger than STALE_AFTER)."""
    nodes: list[tuple[str, str, bool, Figures, datetime | None]] = [
        (domain, name, True, await local_figures(now), None)
    ]
    partners = await partner_domains()
    rows = await PartnerFigures.filter(
        domain__in=partners, fetched_at__gte=now - STALE_AFTER
    ).order_by("domain")
    for row in rows:
        try:
            figures = parse_figures({"metadata": {METADATA_KEY: row.figures}})
        except ValueError:
            continue
        nodes.append((row.domain, row.name or row.domain, False, figures, row.fetched_at))
    total = _sum([entry[3] for entry in nodes])
    members = total.member_total
    return NetworkFigures(
        nodes=[
            NodeShare(
                domain=d,
                name=n,
                local=is_local,
                figures=f,
                share=f.member_total / members if members else 0.0,
                fetched_at=at,
            )
            for d, n, is_local, f, at in nodes
        ],
        total=total,
    )
