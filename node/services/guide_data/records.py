"""A place as read from an open-data file, before it is stored, and the report of a reading.

Readers of each format (data·inclusion, Soliguide) turn rows into :class:`PlaceRecord` and
:class:`Rejection`; the service that stores places keys them on ``(source, source_id)``, so
importing the same file twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from node.settings import GUIDE_CATEGORIES

# The guide's standard categories and audiences, as the readers name them. The service that
# stores places maps them onto the node's own list (which the operator may extend).
CATEGORIES = GUIDE_CATEGORIES
AUDIENCES = ("unconditional", "women", "families", "under_25", "pets", "exiles", "disabled")


@dataclass(frozen=True, slots=True)
class PlaceRecord:
    source: str
    source_id: str
    name: str
    categories: tuple[str, ...]
    lat: float
    lon: float
    checked_on: date
    address: str = ""
    postcode: str = ""
    town: str = ""
    description: str = ""
    opening_hours: str = ""
    audiences: tuple[str, ...] = ()
    conditions: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    free: bool | None = None
    closed_from: date | None = None
    closed_to: date | None = None


@dataclass(frozen=True, slots=True)
class Rejection:
    """Row ``row`` of ``file`` (1 for the first record; for CSV, 1 for the first line after
    the header) was left out because of ``field``: ``reason``."""

    file: str
    row: int
    field: str
    reason: str

    def as_dict(self) -> dict[str, str | int]:
        return {"file": self.file, "row": self.row, "field": self.field, "reason": self.reason}


@dataclass
class Reading:
    """What a reader made of one or more files."""

    records: list[PlaceRecord] = field(default_factory=list)
    rejections: list[Rejection] = field(default_factory=list)
    rows: int = 0
    # (file, row) of each record, in the same order, for the rows a store refuses later.
    origins: list[tuple[str, int]] = field(default_factory=list)

    def add(self, record: PlaceRecord, file: str, row: int) -> None:
        self.records.append(record)
        self.origins.append((file, row))

    def extend(self, other: Reading) -> None:
        self.records.extend(other.records)
        self.origins.extend(other.origins)
        self.rejections.extend(other.rejections)
        self.rows += other.rows
