"""Reading the call forms of the web pages: the items of a donations call, the centre of its
area, and the words of the moderators' list found in what was typed."""

from __future__ import annotations

from typing import Any

from node.errors import Unprocessable
from node.services import word_list
from node.services.gazetteer import Gazetteer
from node.settings import Settings
from node.web.forms import number, raw


def items(text: str) -> list[dict[str, Any]]:
    """``Duvets: 20`` per line → items (422 for a line without a whole quantity)."""
    found = []
    for line in text.splitlines():
        if not line.strip():
            continue
        label, _sep, quantity = line.rpartition(":")
        if not label.strip() or not quantity.strip().isdigit():
            raise Unprocessable.field("items", "Write one item per line: name: quantity.")
        found.append({"label": label.strip(), "quantity": int(quantity.strip())})
    return found


def words(exc: word_list.ScreenedWords) -> list[str]:
    """The listed words found, to show above the form with the box to send anyway."""
    return [str(error["message"]) for error in exc.errors]


def centre(form: Any, gazetteer: Gazetteer, settings: Settings) -> tuple[float, float]:
    """The centre of the call's area: typed coordinates, else a place of the node's list (the
    one typed as the centre, or the drop-off place when the list knows it), else the node's
    centre. 422 for a centre the list does not know."""
    if raw(form, "lat").strip() or raw(form, "lon").strip():
        return number(form, "lat"), number(form, "lon")
    typed = raw(form, "centre").strip()
    if typed:
        found = gazetteer.find(typed)
        if found is None:
            raise Unprocessable.field(
                "centre", "We do not know this place: choose one of the list or type coordinates."
            )
        return found.lat, found.lon
    dropped = gazetteer.find(raw(form, "place_name").strip()) if raw(form, "place_name") else None
    if dropped is not None:
        return dropped.lat, dropped.lon
    return settings.area_lat, settings.area_lon
