"""Where a node's settings come from: ``ENTRAIDE_*`` variables and the TOML file they name."""

from __future__ import annotations

import os
from pathlib import Path

ENV_PREFIX = "ENTRAIDE_"
DEFAULT_CONFIG_FILE = "entraide.toml"


def config_file_path() -> Path | None:
    """The TOML file to read, if any: ``ENTRAIDE_CONFIG`` or ``./entraide.toml``."""
    explicit = os.environ.get(f"{ENV_PREFIX}CONFIG")
    if explicit:
        return Path(explicit)
    default = Path(DEFAULT_CONFIG_FILE)
    return default if default.exists() else None
