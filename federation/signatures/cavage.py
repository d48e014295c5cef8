"""draft-cavage-http-signatures-12: the ``Signature`` header the fediverse actually speaks.

Reference: https://datatracker.ietf.org/doc/html/draft-cavage-http-signatures-12
Mastodon, GoToSocial, Mobilizon and bovine sign ``(request-target) host date digest`` with
``rsa-sha256`` (§2.1.3 names it deprecated, but it is the lingua franca) and accept ``hs2019``,
where the algorithm is derived from the key (§2.1.3, Appendix E.2).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

from federation.errors import SignatureMalformed, UnknownAlgorithm
from federation.http import HttpRequest
from federation.keys import PrivateKey, PublicKey

ALGORITHMS = ("rsa-sha256", "hs2019")
DEFAULT_POST_HEADERS = ("(request-target)", "host", "date", "digest")
DEFAULT_GET_HEADERS = ("(request-target)", "host", "date")

# name=value pairs; values are quoted strings or bare tokens (draft -12 §2.1.4/2.1.5 give
# created/expires as bare integers; older implementations quote them, so accept both).
_PARAM = re.compile(r'\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"([^"]*)"|([^",\s]*))\s*(?:,|$)')
# The same grammar for ``findall``: where ``_PARAM`` does not match, the last alternative
# consumes one character, which marks the header as malformed (the scanner below then words
# the error). ``findall`` tries ``_PARAM`` at each position exactly as the scanner does.
_PARAMS = re.compile(_PARAM.pattern + r"|(.)", re.DOTALL)
# What Mastodon, GoToSocial and our own signer send, in this order, with no spaces: matched in
# one step. The general scanner gives the same parameters for every header this matches.
_COMMON = re.compile(
    r'keyId="([^"]*)",algorithm="([^"]*)"(?:,created=([0-9]+))?(?:,expires=([0-9]+))?'
    r',headers="([^"]*)",signature="([^"]*)"'
)
_PKCS1V15 = padding.PKCS1v15()
_SHA256 = hashes.SHA256()
_PSS_SHA512 = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
_SHA512 = hashes.SHA512()


@dataclass(frozen=True, slots=True)
class CavageSignature:
    key_id: str
    algorithm: str | None
    headers: tuple[str, ...]
    signature: bytes
    created: int | None = None
    expires: int | None = None


ParsedSignature = tuple[str, str | None, tuple[str, ...], bytes, int | None, int | None]
"""``(key_id, algorithm, headers, signature, created, expires)``: :class:`CavageSignature`'s
fields, without building the dataclass on the verification hot path."""


def parse_signature_header(value: str) -> CavageSignature:
    """Parse a ``Signature`` header or the ``Signature …`` scheme of ``Authorization``."""
    return CavageSignature(*parse_signature_fields(value))


def parse_signature_fields(value: str) -> ParsedSignature:
    """:func:`parse_signature_header` as a plain tuple (see :data:`ParsedSignature`)."""
    text = value.strip()
    if text[:10].lower() == "signature ":
        text = text[10:]
    fast = _parse_common(text)
    if fast is not None:
        return fast
    params: dict[str, str] = {}
    for name, quoted, bare, junk in _PARAMS.findall(text):
        if junk or name in params:
            params = _scan_params(text)  # raises SignatureMalformed with the precise reason
            break
        params[name] = quoted or bare
    key_id, sig = params.get("keyId"), params.get("signature")
    if not key_id:
        raise SignatureMalformed("signature has no keyId")
    if not sig:
        raise SignatureMalformed("signature has no signature value")
    raw = _b64decode_strict(sig)
    # §2.1.6: without ``headers`` only Date is signed (-12 says (created); implementations and
    # the draft's own Appendix C use date).
    header_names = tuple(params.get("headers", "date").lower().split())
    if not header_names:
        raise SignatureMalformed("empty headers parameter")
    created, expires = params.get("created"), params.get("expires")
    return (
        key_id,
        params.get("algorithm") or None,
        header_names,
        raw,
        None if created is None else _int_param(created, "created"),
        None if expires is None else _int_param(expires, "expires"),
    )


def _parse_common(text: str) -> ParsedSignature | None:
    """The usual header in one step, or None (then the general parser decides).

    Mastodon's form ``keyId="…",algorithm="…",headers="…",signature="…"`` splits on quotes into
    exactly nine parts; :data:`_COMMON` adds ``created``/``expires``. For every header accepted
    here the general parser yields the same parameters.
    """
    created: str | None = None
    expires: str | None = None
    parts = text.split('"')
    if (
        len(parts) == 9
        and parts[0] == "keyId="
        and parts[2] == ",algorithm="
        and parts[4] == ",headers="
        and parts[6] == ",signature="
        and not parts[8]
    ):
        key_id, algorithm, headers, sig = parts[1], parts[3], parts[5], parts[7]
    elif m := _COMMON.fullmatch(text):
        key_id, algorithm, created, expires, headers, sig = m.groups()
    else:
        return None
    header_names = tuple(headers.lower().split())
    if not key_id or not sig or not header_names:
        return None
    return (
        key_id,
        algorithm or None,
        header_names,
        _b64decode_strict(sig),
        None if created is None else int(created),
        None if expires is None else int(expires),
    )


def _scan_params(text: str) -> dict[str, str]:
    """The parameter scanner, one match at a time: only reached for headers that are malformed
    or repeat a parameter, to raise the error with its position."""
    params: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        m = _PARAM.match(text, pos)
        if m is None or m.end() == pos:
            raise SignatureMalformed(
                f"cannot parse signature parameters near {text[pos : pos + 20]!r}"
            )
        name = m.group(1)
        if name in params:
            raise SignatureMalformed(f"duplicate signature parameter {name!r}")
        params[name] = m.group(2) if m.group(2) is not None else m.group(3)
        pos = m.end()
    return params


def _b64decode_strict(value: str) -> bytes:
    """``base64.b64decode(value, validate=True)``; OpenSSL-strict decoding first (no regex).

    Whatever ``strict_mode`` accepts, ``validate=True`` accepts with the same bytes (alphabet
    only, padding only at the end); anything else is decided by ``b64decode`` as before.
    """
    try:
        return binascii.a2b_base64(value, strict_mode=True)
    except (binascii.Error, ValueError):
        pass
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureMalformed("signature value is not base64") from exc


def _int_param(raw: str, name: str) -> int:
    try:
        return int(raw)  # §2.1.4: a Unix timestamp; some senders add decimals — reject those
    except ValueError as exc:
        raise SignatureMalformed(f"{name} is not an integer") from exc


def signing_string(
    request: HttpRequest,
    headers: Sequence[str],
    *,
    created: int | None = None,
    expires: int | None = None,
    algorithm: str | None = None,
) -> str:
    """The string to sign (§2.3): ``name: value`` lines joined by ``\\n``, no trailing newline."""
    fields = request.headers._map()
    lines = []
    for name in headers:
        name = name.lower()
        if name == "(request-target)":
            lines.append(f"(request-target): {request.method.lower()} {request.target}")
        elif name == "(created)" or name == "(expires)":
            # §2.3 step 2: these pseudo-headers are an error with rsa-*, hmac-* and ecdsa-*.
            if algorithm is not None and algorithm != "hs2019":
                raise SignatureMalformed(f"{name} is not allowed with algorithm {algorithm}")
            number = created if name == "(created)" else expires
            if number is None:
                raise SignatureMalformed(f"{name} is signed but the parameter is missing")
            lines.append(f"{name}: {number}")
        else:
            value = fields.get(name)
            if value is None:
                raise SignatureMalformed(f"signed header {name!r} is missing from the request")
            lines.append(f"{name}: {value}")
    return "\n".join(lines)


def plain_signing_string(request: HttpRequest, headers: Sequence[str]) -> str:
    """:func:`signing_string` for lower-case names without ``(created)``/``(expires)``."""
    fields = request.headers._map()
    target = f"{request.method.lower()} {request.target}"
    try:
        return "\n".join(
            [
                f"(request-target): {target}"
                if name == "(request-target)"
                else f"{name}: {fields[name]}"
                for name in headers
            ]
        )
    except KeyError:
        return signing_string(request, headers)  # raises the missing-header error


def sign_bytes(private_key: PrivateKey, data: bytes) -> bytes:
    """rsa-sha256 for RSA keys (also used for hs2019 with RSA: what Mastodon verifies)."""
    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key.sign(data, _PKCS1V15, _SHA256)
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        return private_key.sign(data)
    return private_key.sign(data, ec.ECDSA(hashes.SHA256()))


def verify_bytes(
    algorithm: str | None, public_key: PublicKey, signature: bytes, data: bytes
) -> bool:
    """Check ``signature`` over ``data``; True when valid.

    ``rsa-sha256`` demands an RSA key with PKCS#1 v1.5/SHA-256. ``hs2019`` (or no algorithm)
    derives the scheme from the key: RSA → PKCS#1 v1.5/SHA-256 as deployed, then RSASSA-PSS/
    SHA-512 as the draft's registry describes; Ed25519; ECDSA P-256/SHA-256 (DER).
    """
    alg = (algorithm or "hs2019").lower()
    if alg not in ALGORITHMS:
        raise UnknownAlgorithm(f"algorithm {algorithm!r} is not supported (rsa-sha256, hs2019)")
    kind = key_kind(public_key)
    try:
        if kind == "rsa":
            try:
                cast(rsa.RSAPublicKey, public_key).verify(signature, data, _PKCS1V15, _SHA256)
                return True
            except InvalidSignature:
                if alg == "rsa-sha256":
                    return False
            cast(rsa.RSAPublicKey, public_key).verify(signature, data, _PSS_SHA512, _SHA512)
            return True
        if alg == "rsa-sha256":
            return False  # the algorithm names the key type, and this key is not RSA
        if kind == "ed25519":
            cast(ed25519.Ed25519PublicKey, public_key).verify(signature, data)
            return True
        cast(ec.EllipticCurvePublicKey, public_key).verify(
            signature, data, ec.ECDSA(hashes.SHA256())
        )
        return True
    except (InvalidSignature, ValueError):
        return False


_KINDS: dict[type, str] = {}


def key_kind(key: object) -> str:
    """``"rsa"``, ``"ed25519"``, ``"ec"`` or ``"other"`` for a public key, cached per class
    (the ``isinstance`` checks against cryptography's ABCs cost more than a dict lookup)."""
    kind = _KINDS.get(type(key))
    if kind is None:
        if isinstance(key, rsa.RSAPublicKey):
            kind = "rsa"
        elif isinstance(key, ed25519.Ed25519PublicKey):
            kind = "ed25519"
        elif isinstance(key, ec.EllipticCurvePublicKey):
            kind = "ec"
        else:
            kind = "other"
        _KINDS[type(key)] = kind
    return kind


def sign_request(
    request: HttpRequest,
    *,
    key_id: str,
    private_key: PrivateKey,
    headers: Sequence[str] | None = None,
    algorithm: str = "rsa-sha256",
    created: int | None = None,
    expires: int | None = None,
) -> str:
    """Return the ``Signature`` header value for ``request`` (headers must already be set)."""
    if algorithm not in ALGORITHMS:
        raise UnknownAlgorithm(algorithm)
    if algorithm == "rsa-sha256" and not isinstance(private_key, rsa.RSAPrivateKey):
        raise UnknownAlgorithm("rsa-sha256 needs an RSA key; use hs2019 for other key types")
    if headers is None:
        headers = DEFAULT_POST_HEADERS if request.body else DEFAULT_GET_HEADERS
    base = signing_string(request, headers, created=created, expires=expires, algorithm=algorithm)
    sig = base64.b64encode(sign_bytes(private_key, base.encode("utf-8"))).decode("ascii")
    parts = [f'keyId="{key_id}"', f'algorithm="{algorithm}"']
    if created is not None:
        parts.append(f"created={created}")
    if expires is not None:
        parts.append(f"expires={expires}")
    parts += [f'headers="{" ".join(h.lower() for h in headers)}"', f'signature="{sig}"']
    return ",".join(parts)
