"""Places typed by name, turned into a point without any network: the node's gazetteer.

A member who cannot use the map (no JavaScript, no position) types "Gare du Nord" or "Paris 11e"
instead. The names come from a small CSV file (``name,lat,lon,aliases`` with aliases separated
by ``|``): the operator's ``gazetteer_file``, or the list shipped for Paris and its first ring
(arrondissements, main stations and squares, neighbouring communes). Only the entries within the
node's area (plus a margin) are offered, so a node elsewhere with no file offers none. The point
of a name is the centre of a district or a station, never a street address; like every point it
is coarsened before anyone else sees it.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from node.services.geo import haversine_km
from node.settings import Settings

BUNDLED = Path(__file__).parent / "data" / "gazetteer-paris.csv"
MARGIN_KM = 5.0
MAX_ENTRIES = 2000
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise(name: str) -> str:
    """Lower case, no accents, punctuation and hyphens as spaces: "Barbès-Rochechouart" and
    "barbes rochechouart" are one name."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NOT_WORD.sub(" ", bare.replace("'", " ").replace("’", " ")).strip()


@dataclass(frozen=True, slots=True)
class NamedPlace:
    name: str
    lat: float
    lon: float
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Gazetteer:
    places: tuple[NamedPlace, ...]

    def __bool__(self) -> bool:
        return bool(self.places)

    def find(self, typed: str) -> NamedPlace | None:
        """The place named ``typed`` (a name or an alias), else the only one whose name holds
        it as whole words ("nord" → Gare du Nord); None when unknown or ambiguous."""
        wanted = normalise(typed)
        if not wanted:
            return None
        for place in self.places:
            if wanted in (normalise(n) for n in (place.name, *place.aliases)):
                return place
        padded = f" {wanted} "
        matches = [
            place
            for place in self.places
            if any(padded in f" {normalise(n)} " for n in (place.name, *place.aliases))
        ]
        return matches[0] if len(matches) == 1 else None


class GazetteerError(ValueError):
    """The operator's file cannot be read as ``name,lat,lon[,aliases]`` lines."""


def read_gazetteer(path: Path) -> tuple[NamedPlace, ...]:
    places: list[NamedPlace] = []
    with path.open(newline="", encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle), start=2):
            if len(places) >= MAX_ENTRIES:
                break
            try:
                name = (row.get("name") or "").strip()
                lat, lon = float(row["lat"]), float(row["lon"])
            except (KeyError, TypeError, ValueError):
                raise GazetteerError(f"{path}, line {number}: expected name,lat,lon") from None
            if not name or not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise GazetteerError(f"{path}, line {number}: a name and a valid point")
            aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
            places.append(NamedPlace(name, lat, lon, aliases))
    return tuple(places)


def node_gazetteer(settings: Settings) -> Gazetteer:
    """The places a member of this node may type: those of the file within the node's area."""
    path = settings.gazetteer_file or BUNDLED
    reach = settings.area_radius_km + MARGIN_KM
    return Gazetteer(
        tuple(
            place
            for place in read_gazetteer(path)
            if haversine_km(settings.area_lat, settings.area_lon, place.lat, place.lon) <= reach
        )
    )
