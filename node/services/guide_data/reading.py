"""Read any mix of the guide's open-data files in one call: data·inclusion structures and
services (JSON or CSV; a service finds its structure in any of the files) and Soliguide JSON
exports (told apart by their ``lieu_id``)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from node.services.guide_data import datainclusion, soliguide
from node.services.guide_data.datainclusion import DataFileError, HoursCheck
from node.services.guide_data.records import Reading


def is_soliguide(data: bytes) -> bool:
    head = data[:4096].lstrip()
    if head[:1] not in (b"[", b"{"):
        return False
    if b'"lieu_id"' in head:
        return True
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(document, dict) and "places" in document


def read_files(
    files: Iterable[tuple[str, bytes]], check_hours: HoursCheck | None = None
) -> Reading:
    """The places of all ``files`` (name, content) and the rows left out, with the reason.
    :class:`DataFileError` names the file that is no such file at all."""
    reading = Reading()
    open_data: list[tuple[str, bytes]] = []
    for name, data in files:
        if is_soliguide(data):
            try:
                reading.extend(soliguide.read(name, data, check_hours))
            except DataFileError as error:
                raise DataFileError(f"{name}: {error}") from None
        else:
            open_data.append((name, data))
    if open_data:
        reading.extend(datainclusion.read(open_data, check_hours))
    return reading
