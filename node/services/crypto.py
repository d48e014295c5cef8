"""Encryption at rest for encounter details (DESIGN §5: the most sensitive data a node holds).

The key is derived from the node secret with HKDF-SHA256 (``info = b"entraide encounter v1"``),
so it never sits in the database and a database dump alone reveals nothing. Each value is
AES-256-GCM with a fresh 96-bit nonce, stored as text ``v1:<base64(nonce || ciphertext+tag)>``.
The associated data binds the value to its table, row id and column: a ciphertext copied to
another row or column fails authentication instead of decrypting.
"""

from __future__ import annotations

import base64
import os
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

VERSION = "v1"
_INFO = b"entraide encounter v1"
_SALT = b"entraide"
_NONCE_BYTES = 12


class DecryptionError(Exception):
    """A stored value that does not decrypt with this node's key (tampered, moved or re-keyed)."""


def derive_key(secret: bytes) -> bytes:
    if not secret:
        raise ValueError("the node secret is empty")
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(secret)


class FieldCipher:
    """Encrypts and decrypts the text of one column of one row."""

    def __init__(self, secret: bytes, table: str = "outreach_encounter") -> None:
        self._aead = AESGCM(derive_key(secret))
        self._table = table

    def _aad(self, row_id: UUID, column: str) -> bytes:
        return f"{self._table}:{column}:".encode() + row_id.bytes

    def encrypt(self, plaintext: str, *, row_id: UUID, column: str) -> str:
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), self._aad(row_id, column))
        return f"{VERSION}:{base64.b64encode(nonce + sealed).decode('ascii')}"

    def decrypt(self, stored: str, *, row_id: UUID, column: str) -> str:
        version, _, payload = stored.partition(":")
        if version != VERSION or not payload:
            raise DecryptionError(f"unknown ciphertext version {version!r}")
        try:
            raw = base64.b64decode(payload, validate=True)
            plain = self._aead.decrypt(
                raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], self._aad(row_id, column)
            )
        except (InvalidTag, ValueError) as exc:
            raise DecryptionError("the value does not authenticate for this row") from exc
        return plain.decode()

    def encrypt_optional(self, plaintext: str | None, *, row_id: UUID, column: str) -> str | None:
        return None if plaintext is None else self.encrypt(plaintext, row_id=row_id, column=column)

    def decrypt_optional(self, stored: str | None, *, row_id: UUID, column: str) -> str | None:
        return None if stored is None else self.decrypt(stored, row_id=row_id, column=column)
