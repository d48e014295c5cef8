"""The instance key, loaded once per process (signing is the hot path of fan-out, DESIGN §7)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric import rsa

from federation.keys import load_private_key_pem
from node.keys import ensure_instance_key
from node.settings import Settings


@lru_cache(maxsize=16)
def _load(path: Path, mtime_ns: int) -> rsa.RSAPrivateKey:
    key = load_private_key_pem(path.read_bytes())
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def instance_key(settings: Settings) -> rsa.RSAPrivateKey:
    """The node's RSA-2048 key (created at first use when ``init`` did not)."""
    path = ensure_instance_key(settings)
    return _load(path, path.stat().st_mtime_ns)
