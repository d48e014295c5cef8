"""Encounters recorded during a round, their encryption at rest and their retention purge.

The exact place (``lat,lon``), the private note and the pseudonym are encrypted with a key
derived from the node secret (:mod:`node.services.crypto`); the H3 cell, the time, the items and
the flags stay in clear for the coordination view and the reports. The periodic purge empties
the encrypted columns once a round's ``purge_due_at`` has passed (48 h after its end by default).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, Forbidden, Unprocessable
from node.events import VisitRecorded
from node.models import Encounter, Member, OutreachItem, Round, RoundStatus
from node.services.crypto import DecryptionError, FieldCipher
from node.services.rounds import RoundAccess
from node.services.visits import (
    VisitWarning,
    cell_of,
    decode_items,
    encode_items,
    local_visit,
    warnings_for,
)
from node.state import NodeState

log = logging.getLogger("entraide.outreach")

# A phone's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class EncounterView:
    """An encounter as its association's members see it; details are None once purged."""

    encounter: Encounter
    items: list[OutreachItem]
    lat: float | None
    lon: float | None
    note: str | None
    pseudonym: str | None


def _decrypt(cipher: FieldCipher, encounter: Encounter, column: str) -> str | None:
    """A detail in clear; None when purged, or when it does not decrypt (the node secret was
    changed, or the row tampered with): the rest of the encounter stays readable."""
    stored: str | None = getattr(encounter, f"{column}_ct")
    try:
        return cipher.decrypt_optional(stored, row_id=encounter.id, column=column)
    except DecryptionError:
        log.warning("encounter %s: %s does not decrypt with this node's key", encounter.id, column)
        return None


def _view(encounter: Encounter, cipher: FieldCipher) -> EncounterView:
    place = _decrypt(cipher, encounter, "place")
    lat = lon = None
    if place is not None:
        lat_text, _, lon_text = place.partition(",")
        lat, lon = float(lat_text), float(lon_text)
    return EncounterView(
        encounter=encounter,
        items=decode_items(encounter.items),
        lat=lat,
        lon=lon,
        note=_decrypt(cipher, encounter, "note"),
        pseudonym=_decrypt(cipher, encounter, "pseudonym"),
    )


async def record_encounter(
    access: RoundAccess,
    member: Member,
    *,
    secret: bytes,
    window_hours: float,
    lat: float,
    lon: float,
    items: Sequence[OutreachItem],
    asleep: bool,
    needs_follow_up: bool,
    occurred_at: datetime | None,
    note: str | None,
    pseudonym: str | None,
    consent: bool,
    node: NodeState,
) -> tuple[EncounterView, list[VisitWarning]]:
    """Record an encounter on a started round, with its coarse visit, in one transaction.

    :class:`VisitRecorded` is recorded in the same transaction (federation shares the coarse
    visit with the partners whose partnership has the ``outreach`` scope).

    Returns the encounter and the warnings about other teams' visits of the same cell within
    ``window_hours`` (so that a sleeping person is not woken twice)."""
    round_ = access.round
    if not access.may_run:
        raise Forbidden("Only the round's team and the association's coordinators record here.")
    if round_.status != RoundStatus.STARTED:
        raise Conflict(f"The round is {round_.status}: encounters are recorded on a started one.")
    now = clock.now()
    when = occurred_at or now
    assert round_.started_at is not None
    if when.tzinfo is None:
        raise Unprocessable.field("occurred_at", "Give a time zone, as in 2026-12-01T21:10:00Z.")
    if not round_.started_at - CLOCK_SKEW <= when <= now + CLOCK_SKEW:
        raise Unprocessable.field("occurred_at", "The time must be during the round.")
    if pseudonym is not None and not consent:
        raise Unprocessable.field(
            "consent", "A pseudonym is recorded only with the person's consent."
        )
    cell = cell_of(lat, lon)
    warnings = await warnings_for(cell, window_hours=window_hours, round_id=round_.id)

    cipher = FieldCipher(secret)
    encounter_id = uuid.uuid4()
    encounter = Encounter(
        id=encounter_id,
        round_id=round_.id,
        recorded_by=member,
        occurred_at=when,
        cell=cell,
        items=encode_items(items),
        asleep=asleep,
        needs_follow_up=needs_follow_up,
        place_ct=cipher.encrypt(f"{lat!r},{lon!r}", row_id=encounter_id, column="place"),
        note_ct=cipher.encrypt_optional(note, row_id=encounter_id, column="note"),
        pseudonym_ct=cipher.encrypt_optional(pseudonym, row_id=encounter_id, column="pseudonym"),
        consent_recorded_at=now if pseudonym is not None else None,
        created_at=now,
    )
    async with in_transaction():
        # Re-checked inside the transaction: the round may have ended meanwhile.
        if not await Round.filter(id=round_.id, status=RoundStatus.STARTED).exists():
            raise Conflict("The round has ended.")
        await encounter.save(force_create=True)
        visit = local_visit(encounter, round_, access.association.name)
        await visit.save()
        await node.events.record(node, VisitRecorded(encounter=encounter, visit=visit))
    return _view(encounter, cipher), warnings


async def list_encounters(access: RoundAccess, *, secret: bytes) -> list[EncounterView]:
    """The round's encounters with their decrypted details (for its association's members)."""
    cipher = FieldCipher(secret)
    rows = await Encounter.filter(round_id=access.round.id).order_by("occurred_at", "created_at")
    return [_view(row, cipher) for row in rows]


async def purge_due_details() -> int:
    """Periodic job: empty the encrypted details of ended rounds whose retention has passed.

    Returns how many encounters were purged. Cells, times, items and flags remain (counts and
    coordination), as do the coarse visits."""
    now = clock.now()
    round_ids = await Round.filter(
        status=RoundStatus.ENDED, purge_due_at__lte=now, details_purged_at=None
    ).values_list("id", flat=True)
    if not round_ids:
        return 0
    async with in_transaction():
        purged = await Encounter.filter(round_id__in=list(round_ids), purged_at=None).update(
            place_ct=None, note_ct=None, pseudonym_ct=None, purged_at=now
        )
        await Round.filter(id__in=list(round_ids)).update(details_purged_at=now)
    return purged
