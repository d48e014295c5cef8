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


def vapid_key_path(settings: Settings) -> Path:
    return settings.data_dir / "keys" / "vapid.pem"


def ensure_vapid_key(settings: Settings) -> Path:
    """Create the Web Push (VAPID, RFC 8292) key pair when missing: a P-256 key that signs the
    node's requests to push services, whose public half browsers subscribe with."""
    path = vapid_key_path(settings)
    if path.exists():
        return path
    from cryptography.hazmat.primitives.asymmetric import ec

    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process of the node made it first
        return path
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return path


def vapid_public_key(settings: Settings) -> str:
    """The application server key browsers pass to ``pushManager.subscribe`` (base64url of the
    uncompressed point, RFC 8292 §3.2)."""
    import base64

    from cryptography.hazmat.primitives.asymmetric import ec

    key = serialization.load_pem_private_key(ensure_vapid_key(settings).read_bytes(), None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    raw = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
