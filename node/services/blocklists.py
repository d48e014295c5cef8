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
from node.errors import Problem, Unprocessable
from node.models import DomainBlock, Member
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
