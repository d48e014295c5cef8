"""Body digests: the draft ``Digest`` header and RFC 9530 ``Content-Digest``.

A signature covers headers, not the body; the body is bound to the signature by signing a digest
header whose value must then be checked against the bytes received.

* ``Digest: SHA-256=<base64>`` — RFC 3230 instance digest, what draft-cavage deployments sign
  (Mastodon, GoToSocial, Mobilizon).
* ``Content-Digest: sha-256=:<base64>:`` — RFC 9530 §2, a Structured Fields dictionary of byte
  sequences, what RFC 9421 deployments sign.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Callable, Iterable

import http_sf

from federation.errors import DigestError

_HASHES: dict[str, Callable[[bytes], hashlib._Hash]] = {
    "sha-256": hashlib.sha256,
    "sha-512": hashlib.sha512,
}


class DigestMalformed(DigestError):
    pass


class DigestUnsupported(DigestError):
    pass


class DigestDoesNotMatch(DigestError):
    pass


def digest_header(body: bytes, algorithm: str = "sha-256") -> str:
    """Value of the draft ``Digest`` header (RFC 3230 names algorithms in upper case)."""
    raw = _HASHES[algorithm](body).digest()
    return f"{algorithm.upper()}={base64.b64encode(raw).decode('ascii')}"


def content_digest_header(body: bytes, algorithms: Iterable[str] = ("sha-256",)) -> str:
    """Value of the RFC 9530 ``Content-Digest`` header."""
    parts = []
    for alg in algorithms:
        raw = _HASHES[alg](body).digest()
        parts.append(f"{alg}=:{base64.b64encode(raw).decode('ascii')}:")
    return ", ".join(parts)


def parse_digest_header(value: str) -> dict[str, bytes]:
    """``SHA-256=abc..., SHA-512=...`` → ``{"sha-256": b"...", ...}`` (unknown algorithms kept)."""
    out: dict[str, bytes] = {}
    for part in value.split(","):
        name, sep, b64 = part.strip().partition("=")
        if not sep or not name or not b64:
            raise DigestMalformed(f"malformed Digest member {part.strip()!r}")
        try:
            out[name.strip().lower()] = base64.b64decode(b64.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise DigestMalformed(f"Digest value is not base64: {exc}") from exc
    return out


def parse_content_digest(value: str) -> dict[str, bytes]:
    """RFC 9530 §2: a Structured Fields dictionary whose members are byte sequences."""
    try:
        parsed = http_sf.parse(value.encode("ascii"), tltype="dictionary")
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise DigestMalformed(f"malformed Content-Digest: {exc}") from exc
    out: dict[str, bytes] = {}
    if not isinstance(parsed, dict):
        raise DigestMalformed("Content-Digest is not a dictionary")
    for name, member in parsed.items():
        raw = member[0] if isinstance(member, tuple) else None
        if not isinstance(raw, bytes):
            raise DigestMalformed(f"Content-Digest member {name!r} is not a byte sequence")
        out[str(name).lower()] = raw
    return out


def _check(digests: dict[str, bytes], body: bytes) -> None:
    checked = False
    for alg, expected in digests.items():
        hasher = _HASHES.get(alg)
        if hasher is None:
            continue  # RFC 9530 §2: a recipient ignores algorithms it does not support
        checked = True
        if not hmac.compare_digest(hasher(body).digest(), expected):
            raise DigestDoesNotMatch(f"{alg} digest does not match the body")
    if not checked:
        raise DigestUnsupported("no supported digest algorithm (sha-256, sha-512)")


def _canonical_b64_matches(encoded: str, raw: bytes) -> bool:
    """True when ``encoded`` is exactly the padded base64 of ``raw`` (constant time)."""
    return encoded.isascii() and hmac.compare_digest(
        encoded.encode("ascii"), binascii.b2a_base64(raw, newline=False)
    )


def check_digest_header(value: str, body: bytes) -> None:
    """Raise a ``DigestError`` unless every supported digest in ``Digest`` matches ``body``."""
    # Fast path: the single ``SHA-256=<base64>`` member every fediverse server sends, compared
    # as canonical base64. Anything else (other shapes, a mismatch) takes the general path,
    # which decides and words the error exactly as before.
    if value[:8].lower() == "sha-256=" and _canonical_b64_matches(
        value[8:], hashlib.sha256(body).digest()
    ):
        return
    _check(parse_digest_header(value), body)


def check_content_digest(value: str, body: bytes) -> None:
    """Raise a ``DigestError`` unless every supported digest in ``Content-Digest`` matches."""
    # Fast path: a single ``sha-256=:<base64>:`` or ``sha-512=:<base64>:`` member, exactly as
    # serialized; anything else is parsed as a Structured Fields dictionary.
    if value[-1:] == ":" and value[8:9] == ":":
        hasher = _HASHES.get(value[:7]) if value[7:8] == "=" else None
        if hasher is not None and _canonical_b64_matches(value[9:-1], hasher(body).digest()):
            return
    _check(parse_content_digest(value), body)
