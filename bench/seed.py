"""Seed a node database with many actions, fast, for the benchmarks.

Rows go in through the database driver directly (sqlite3 ``executemany`` / asyncpg ``COPY``):
the ORM's ``bulk_create`` would take minutes for a million rows. The columns are the ones the
node writes, including the jittered public point and its H3 cells.
"""

from __future__ import annotations

import math
import random
import sqlite3
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

import h3

from node.services.geo import unit_vector

CATEGORIES = ["food", "clothes", "hygiene", "health", "haircut", "social", "housing", "other"]
KINDS = ["need", "offer", "outing"]
PARIS = (48.8566, 2.3522)


def _point(
    rng: random.Random, centre: tuple[float, float], radius_km: float
) -> tuple[float, float]:
    r = radius_km * math.sqrt(rng.random())
    theta = rng.random() * 2 * math.pi
    dlat = (r / 111.32) * math.cos(theta)
    dlon = (r / (111.32 * math.cos(math.radians(centre[0])))) * math.sin(theta)
    return centre[0] + dlat, centre[1] + dlon


def action_rows(
    n: int, author_id: str, *, radius_km: float = 30.0, seed: int = 7
) -> Iterator[tuple[object, ...]]:
    """``n`` open public actions spread over a disc around Paris, newest last."""
    rng = random.Random(seed)
    start = datetime.now(UTC) - timedelta(days=20)
    step = timedelta(days=19) / max(n, 1)
    expires = datetime.now(UTC) + timedelta(days=365)
    for i in range(n):
        lat, lon = _point(rng, PARIS, radius_km)
        plat, plon = _point(rng, (lat, lon), 0.125)
        created = start + step * i
        yield (
            str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            KINDS[i % 3] if i % 10 else "need",
            CATEGORIES[i % len(CATEGORIES)],
            f"Action {i}",
            "Description de test pour le banc de mesure.",
            author_id,
            lat,
            lon,
            plat,
            plon,
            h3.latlng_to_cell(plat, plon, 9),
            h3.latlng_to_cell(plat, plon, 7),
            h3.latlng_to_cell(plat, plon, 5),
            *unit_vector(plat, plon),
            "open",
            "public",
            False,
            expires,
            created,
            created,
        )


COLUMNS = [
    "id",
    "kind",
    "category",
    "title",
    "description",
    "author_id",
    "lat",
    "lon",
    "public_lat",
    "public_lon",
    "h3_cell",
    "h3_r7",
    "h3_r5",
    "unit_x",
    "unit_y",
    "unit_z",
    "status",
    "visibility",
    "auto_accept",
    "expires_at",
    "created_at",
    "updated_at",
]


def _sqlite_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, bool):
        return int(value)
    return value


def seed_sqlite(path: str, n: int) -> str:
    """Insert a member and ``n`` actions into a migrated SQLite database; returns the member id."""
    member_id = str(uuid.uuid4())
    conn = sqlite3.connect(path)
    now = datetime.now(UTC).isoformat(sep=" ")
    conn.execute(
        "INSERT INTO member (id, phone, email, kind, is_admin, is_moderator, created_at, "
        "phone_verified_at) VALUES (?, ?, ?, 'resident', 0, 0, ?, ?)",
        (member_id, f"+3361{random.randint(0, 99999999):08d}", f"{member_id}@bench.test", now, now),
    )
    placeholders = ", ".join("?" for _ in COLUMNS)
    conn.executemany(
        f"INSERT INTO action ({', '.join(COLUMNS)}) VALUES ({placeholders})",
        ([_sqlite_value(v) for v in row] for row in action_rows(n, member_id)),
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()
    return member_id


async def seed_postgres(url: str, n: int) -> str:
    import asyncpg

    conn = await asyncpg.connect(urlunsplit(urlsplit(url)._replace(scheme="postgresql")))
    member_id = uuid.uuid4()
    now = datetime.now(UTC)
    await conn.execute(
        "INSERT INTO member (id, phone, email, kind, is_admin, is_moderator, created_at, "
        "phone_verified_at) VALUES ($1, $2, $3, 'resident', false, false, $4, $4)",
        member_id,
        f"+3361{random.randint(0, 99999999):08d}",
        f"{member_id}@bench.test",
        now,
    )
    rows = ((uuid.UUID(r[0]), *r[1:5], member_id, *r[6:]) for r in action_rows(n, str(member_id)))
    await conn.copy_records_to_table("action", records=rows, columns=COLUMNS)
    await conn.execute("ANALYZE action")
    await conn.close()
    return str(member_id)
