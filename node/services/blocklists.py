"""Shared blocklists in Mastodon's CSV format, so admins of different servers can pass their
domain blocks to each other.

Mastodon's admin export (``Admin::ExportDomainBlocksController``) writes one row per block
under the header ``#domain,#severity,#reject_media,#reject_reports,#public_comment,#obfuscate``;
its import reads ``#domain`` and ``#severity`` (``suspend``, ``silence``, ``noop``; missing
means ``suspend``) and ``#public_comment``. A block here refuses everything from the domain,
which is Mastodon's ``suspend``: only those rows are applied, the others are reported as
skipped. Applying goes through :func:`node.services.federation_policy.block_domain`, so it is a
federation-policy change the street committee decides on (one proposal per domain).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from federation.origin import InvalidOrigin
from node.errors import NotFound, Problem, Unprocessable
from node.models import DomainBlock, Member, Partnership, PartnershipStatus
from node.services import federation_policy as policy
from node.services.committee.gates import Proposed
from node.state import NodeState

HEADER = (
    "#domain",
    "#severity",
    "#reject_media",
    "#reject_reports",
    "#public_comment",
    "#obfuscate",
)
MAX_BYTES = 256 * 1024
MAX_ROWS = 5000
SEVERITIES = ("suspend", "silence", "noop")


class TooLarge(Problem):
    status = 413


@dataclass(frozen=True, slots=True)
class Entry:
    domain: str
    severity: str
    comment: str


@dataclass(slots=True)
class Applied:
    blocked: list[str] = field(default_factory=list)
    proposed: list[tuple[str, int]] = field(default_factory=list)  # (domain, proposal number)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (domain, why)


@dataclass(frozen=True, slots=True)
class Reviewed:
    """One entry of a partner's list beside ours: ``new`` (not blocked here yet),
    ``already_blocked``, or ``not_a_block`` (a ``silence``/``noop`` row, not applied here)."""

    entry: Entry
    status: str


# A partner's published list is read from this path of its domain (see docs/federation.md).
PUBLISHED_PATH = "/api/v1/federation/blocklist.csv"


def export_csv(blocks: list[DomainBlock]) -> str:
    """The blocks as Mastodon writes them (every block is a ``suspend``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for block in blocks:
        writer.writerow([block.domain, "suspend", "false", "false", block.reason, "false"])
    return out.getvalue()


async def published_csv() -> str:
    return export_csv(await policy.list_blocks())


def parse_csv(data: bytes) -> list[Entry]:
    """Entries of a Mastodon domain-blocks CSV; 413 past :data:`MAX_BYTES` or
    :data:`MAX_ROWS`, 422 for a file that is not UTF-8 CSV with a ``#domain`` column or holds a
    bad row (all refused: nothing is applied from a half-read file)."""
    if len(data) > MAX_BYTES:
        raise TooLarge(f"A blocklist has at most {MAX_BYTES // 1024} KiB.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unprocessable.field("file", "The file is not UTF-8 text.") from None
    if "\x00" in text:
        raise Unprocessable.field("file", "The file is not CSV text.")
    try:
        rows = list(csv.DictReader(io.StringIO(text)))
    except csv.Error as exc:
        raise Unprocessable.field("file", f"The file is not valid CSV ({exc}).") from None
    if len(rows) > MAX_ROWS:
        raise TooLarge(f"A blocklist has at most {MAX_ROWS} rows.")
    if not rows or "#domain" not in rows[0]:
        raise Unprocessable.field("file", "The file needs a #domain column (Mastodon's format).")
    entries: list[Entry] = []
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        raw = (row.get("#domain") or "").strip()
        severity = (row.get("#severity") or "suspend").strip().lower() or "suspend"
        if severity not in SEVERITIES:
            raise Unprocessable.field("file", f"Line {number}: unknown severity {severity[:20]!r}.")
        try:
            domain = policy.normalize_domain(raw)
        except (InvalidOrigin, Problem):
            raise Unprocessable.field(
                "file", f"Line {number}: {raw[:80]!r} is not a domain."
            ) from None
        comment = (row.get("#public_comment") or "").strip()[:500]
        entries.append(Entry(domain=domain, severity=severity, comment=comment))
    return entries


async def apply(
    node: NodeState, entries: list[Entry], *, by: Member | None, only: set[str] | None = None
) -> Applied:
    """Block the ``suspend`` entries (those in ``only`` when given). Where the street committee
    decides on blocks, each one opens its proposal instead of taking effect."""
    result = Applied()
    blocked: set[str] = {str(d) for d in await DomainBlock.all().values_list("domain", flat=True)}
    for entry in entries:
        if only is not None and entry.domain not in only:
            continue
        if entry.severity != "suspend":
            result.skipped.append((entry.domain, f"severity {entry.severity}: not a block here"))
        elif entry.domain in blocked:
            result.skipped.append((entry.domain, "already blocked"))
        else:
            try:
                await policy.block_domain(entry.domain, entry.comment, node=node, by=by)
            except Proposed as proposed:
                result.proposed.append((entry.domain, proposed.proposal.number))
            else:
                result.blocked.append(entry.domain)
            blocked.add(entry.domain)
    return result


async def accepted_partner(raw_domain: str) -> str:
    """The normalised domain of a partner whose partnership is accepted; 422 for a bad domain,
    404 for any other node (an unknown one, a pending or ended partnership): only partners'
    lists are read, so the node never fetches an address an admin merely typed."""
    try:
        domain = policy.normalize_domain(raw_domain)
    except (InvalidOrigin, Problem):
        raise Unprocessable.field("domain", "This is not a domain.") from None
    if not await Partnership.exists(active_domain=domain, status=PartnershipStatus.ACCEPTED):
        raise NotFound("No accepted partnership with this node.")
    return domain


def parse_published(data: bytes) -> list[Entry]:
    """:func:`parse_csv` for a list a partner serves: whatever is wrong with it (too large, not
    CSV, a bad row) is a 422 about the partner's list, not about the admin's request."""
    try:
        return parse_csv(data)
    except Problem as problem:
        raise Unprocessable.field("list", f"The partner's list is unusable: {problem}") from None


async def review(entries: list[Entry]) -> list[Reviewed]:
    """Each entry beside our own blocks, new ones first, then by domain."""
    blocked = {str(d) for d in await DomainBlock.all().values_list("domain", flat=True)}
    seen: set[str] = set()
    rows = []
    for entry in entries:
        if entry.domain in seen:
            continue
        seen.add(entry.domain)
        if entry.severity != "suspend":
            status = "not_a_block"
        elif entry.domain in blocked:
            status = "already_blocked"
        else:
            status = "new"
        rows.append(Reviewed(entry, status))
    order = {"new": 0, "already_blocked": 1, "not_a_block": 2}
    return sorted(rows, key=lambda r: (order[r.status], r.entry.domain))
