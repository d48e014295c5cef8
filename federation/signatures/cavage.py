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


@dataclass(frozen=True, slots=True)
class CavageSignature:
    key_id: str
    algorithm: str | None
    headers: tuple[str, ...]
    signature: bytes
    created: int | None = None
    expires: int | None = None


def parse_signature_header(value: str) -> CavageSignature:
    """Parse a ``Signature`` header or the ``Signature …`` scheme of ``Authorization``."""
    text = value.strip()
    if text[:10].lower() == "signature ":
        text = text[10:]
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
    key_id, sig = params.get("keyId"), params.get("signature")
    if not key_id:
        raise SignatureMalformed("signature has no keyId")
    if not sig:
        raise SignatureMalformed("signature has no signature value")
    try:
        raw = base64.b64decode(sig, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureMalformed("signature value is not base64") from exc
    # §2.1.6: without ``headers`` only Date is signed (-12 says (created); implementations and
    # the draft's own Appendix C use date).
    header_names = tuple(h.lower() for h in params.get("headers", "date").split())
    if not header_names:
        raise SignatureMalformed("empty headers parameter")
    return CavageSignature(
        key_id=key_id,
        algorithm=params.get("algorithm") or None,
        headers=header_names,
        signature=raw,
        created=_int_param(params, "created"),
        expires=_int_param(params, "expires"),
    )


def _int_param(params: dict[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
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
    lines = []
    for name in headers:
        name = name.lower()
        if name == "(request-target)":
            value = f"{request.method.lower()} {request.target}"
        elif name in ("(created)", "(expires)"):
            # §2.3 step 2: these pseudo-headers are an error with rsa-*, hmac-* and ecdsa-*.
            if algorithm is not None and algorithm != "hs2019":
                raise SignatureMalformed(f"{name} is not allowed with algorithm {algorithm}")
            number = created if name == "(created)" else expires
            if number is None:
                raise SignatureMalformed(f"{name} is signed but the parameter is missing")
            value = str(number)
        else:
            field = request.headers.get(name)
            if field is None:
                raise SignatureMalformed(f"signed header {name!r} is missing from the request")
            value = field
        lines.append(f"{name}: {value}")
    return "\n".join(lines)


def sign_bytes(private_key: PrivateKey, data: bytes) -> bytes:
    """rsa-sha256 for RSA keys (also used for hs2019 with RSA: what Mastodon verifies)."""
    if isinstance(private_key, rsa.RSAPrivateKey):
        return private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
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
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            try:
                public_key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
                return True
            except InvalidSignature:
                if alg == "rsa-sha256":
                    return False
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
            public_key.verify(signature, data, pss, hashes.SHA512())
            return True
        if alg == "rsa-sha256":
            return False  # the algorithm names the key type, and this key is not RSA
        if isinstance(public_key, ed25519.Ed25519PublicKey):
            public_key.verify(signature, data)
            return True
        public_key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        return True
    except (InvalidSignature, ValueError):
        return False


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
