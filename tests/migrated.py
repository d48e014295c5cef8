"""A SQLite database with every migration applied, made once and copied wherever a test needs a
fresh node: the in-process apps of ``conftest``, the ``entraide serve`` processes, the browser
nodes and the command line's data directories.

Tortoise replays its migration state operation by operation, re-rendering the models related to
each change (tortoise/tortoise-orm#2274): applying ``node/migrations`` to an empty file takes
15-30 s on a loaded 2-core machine, where copying the migrated file takes a millisecond. The
file is kept in the temporary directory under a name made of a hash of the migrations and the
Tortoise version, so the two passes of ``make test`` and later runs share it; a change of any
migration makes a new one. ``tests/node/test_schema.py`` and the first template still migrate
an empty database for real.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import version
from pathlib import Path

from node.db import migrate

MIGRATIONS = Path(__file__).resolve().parents[1] / "node" / "migrations"


def migrations_key() -> str:
    """A name for this set of migrations and Tortoise version (caches of migrated schemas)."""
    digest = hashlib.sha256(version("tortoise-orm").encode())
    for path in sorted(MIGRATIONS.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def template() -> Path:
    """The migrated template file (made under a lock when missing; never written after)."""
    folder = Path(tempfile.gettempdir()) / "entraide-tests"
    folder.mkdir(exist_ok=True)
    path = folder / f"template-{migrations_key()}.sqlite3"
    if path.exists():
        return path
    with (folder / "template.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # the other pass may be migrating it right now
        if not path.exists():
            partial = folder / f"template-{os.getpid()}.partial"
            _migrate(partial)
            partial.replace(path)
    return path


def _migrate(path: Path) -> None:
    """Migrate on a thread's own event loop: callers may be inside one (an async fixture)."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, migrate(f"sqlite://{path}")).result()


def copy_to(target: Path) -> Path:
    """``target`` becomes a freshly migrated, empty database file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template(), target)
    return target


def seed_data_dir(data_dir: Path) -> None:
    """Give a data directory the database its node would otherwise migrate at first start
    (``entraide.sqlite3``, the default of :class:`node.settings.Settings`)."""
    database = data_dir / "entraide.sqlite3"
    if not database.exists():
        copy_to(database)
