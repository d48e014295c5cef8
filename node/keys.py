"""The node's instance key (RSA-2048), kept in the data directory with mode 0600.

Federation signs every outgoing request with it (DESIGN §4); it is created once, by ``init``
or at first use, and never leaves the node.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from node.settings import Settings


def instance_key_path(settings: Settings) -> Path:
    return settings.data_dir / "keys" / "instance.pem"


def ensure_instance_key(settings: Settings) -> Path:
    """Create the instance key when missing; returns its path."""
    path = instance_key_path(settings)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return path
