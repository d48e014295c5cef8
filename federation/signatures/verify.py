"""Inbound request verification: one entry point for cavage and RFC 9421 signatures.

Policy (DESIGN §4, modelled on Mastodon's ``SignatureVerification``):

* a signature must be present (``Signature``, ``Authorization: Signature``, or RFC 9421
  ``Signature-Input``/``Signature``);
* the request target must be covered, ``host`` too for GET/HEAD, the body digest for requests
  with a body; a ``date`` (or ``created``) must be covered and lie within ±1 hour;
  ``expires`` must not be past;
* the digest must match the body;
* the key is asked from the application; after a failed check it is asked once more with
  ``refresh=True`` (the remote may have rotated it) before the request is refused.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric import rsa

from federation.digest import (
    DigestDoesNotMatch,
    DigestMalformed,
    DigestUnsupported,
    check_content_digest,
    check_digest_header,
)
from federation.errors import (
    BadSignature,
    DateNotSigned,
    DateOutOfWindow,
    DigestMismatch,
    DigestMissing,
    DigestNotSigned,
    HostNotSigned,
    SignatureExpired,
    SignatureMalformed,
    SignatureMissing,
    TargetNotSigned,
    UnknownAlgorithm,
    UnknownKey,
)
from federation.http import HttpRequest, parse_http_date
from federation.keys import PublicKeyInfo
from federation.signatures import cavage, rfc9421

ResolveKey = Callable[[str, bool], Awaitable[PublicKeyInfo | None]]
"""``await resolve_key(key_id, refresh)``: the key and its owner, or None when unknown.

With ``refresh=False`` a cache may answer; with ``refresh=True`` the application should refetch
the key's actor document (key rotation)."""

DEFAULT_WINDOW = dt.timedelta(hours=1)
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


@dataclass(frozen=True, slots=True)
class VerifiedRequest:
    """A successful verification: ``owner`` is the actor the request speaks for."""

    owner: str
    key_id: str
    scheme: str  # "cavage" or "rfc9421"
    algorithm: str | None


async def verify_request(
    request: HttpRequest,
    resolve_key: ResolveKey,
    *,
    now: dt.datetime | None = None,
    window: dt.timedelta = DEFAULT_WINDOW,
) -> VerifiedRequest:
    """Verify ``request``'s signature; raise a :class:`~federation.errors.VerificationError`.

    The caller must still check that the activity's ``actor`` is ``result.owner``.
    """
    when = now or dt.datetime.now(dt.UTC)
    fields = request.headers._map()
    if "signature-input" in fields:
        return await _verify_rfc9421(request, resolve_key, when, window)
    header = fields.get("signature")
    if header is None:
        auth = fields.get("authorization") or ""
        if auth[:10].lower() == "signature ":
            header = auth
    if header is None:
        raise SignatureMissing("no Signature, Authorization: Signature or Signature-Input header")
    return await _verify_cavage(request, header, resolve_key, when, window)


def _check_time(
    created: int | None, expires: int | None, when: dt.datetime, window: dt.timedelta
) -> None:
    ts = when.timestamp()
    if created is not None and abs(ts - created) > window.total_seconds():
        raise DateOutOfWindow(f"created={created} is more than {window} from now")
    if expires is not None and expires < ts:
        raise SignatureExpired(f"expires={expires} is in the past")


def _check_date_header(request: HttpRequest, when: dt.datetime, window: dt.timedelta) -> None:
    raw = request.headers._map().get("date")
    if raw is None:
        raise SignatureMalformed("date is signed but the Date header is missing")
    try:
        date = parse_http_date(raw)
    except (TypeError, ValueError) as exc:
        raise SignatureMalformed(f"unparseable Date header {raw!r}") from exc
    if abs(when - date) > window:
        raise DateOutOfWindow(f"Date {raw!r} is more than {window} from now")


def _check_body_digest(request: HttpRequest, covered: set[str], *, cavage_mode: bool) -> None:
    """RFC 3230 ``Digest`` (cavage) or RFC 9530 ``Content-Digest``: present, signed, matching."""
    if request.method.upper() not in _BODY_METHODS and not request.body:
        return
    fields = request.headers._map()
    candidates = ("digest", "content-digest") if cavage_mode else ("content-digest",)
    present = [name for name in candidates if name in fields]
    if not present:
        raise DigestMissing(
            f"a {request.method} with a body needs a {' or '.join(candidates)} header"
        )
    signed = [name for name in present if name in covered]
    if not signed:
        raise DigestNotSigned(f"the signature does not cover {' or '.join(present)}")
    for name in signed:
        value = fields[name]
        try:
            if name == "digest":
                check_digest_header(value, request.body)
            else:
                check_content_digest(value, request.body)
        except DigestDoesNotMatch as exc:
            raise DigestMismatch(str(exc)) from exc
        except (DigestMalformed, DigestUnsupported) as exc:
            raise DigestMismatch(f"unusable {name}: {exc}") from exc


async def _with_key(
    key_id: str,
    resolve_key: ResolveKey,
    check: Callable[[PublicKeyInfo], bool],
) -> PublicKeyInfo:
    info = await resolve_key(key_id, False)
    if info is None:
        # An unknown key may simply not be cached yet; resolvers are expected to fetch when
        # refresh is False and nothing is cached, so None here means "does not exist".
        raise UnknownKey(f"no key {key_id!r}")
    if check(info):
        return info
    fresh = await resolve_key(key_id, True)  # key rotation: refetch once
    if fresh is not None and check(fresh):
        return fresh
    raise BadSignature(f"signature does not verify with key {key_id!r}")


async def _verify_cavage(
    request: HttpRequest,
    header: str,
    resolve_key: ResolveKey,
    when: dt.datetime,
    window: dt.timedelta,
) -> VerifiedRequest:
    # A plain tuple, not the CavageSignature dataclass: this is the inbox's hot path.
    key_id, algorithm, names, signature, created, expires = cavage.parse_signature_fields(header)
    if algorithm is not None and algorithm.lower() not in cavage.ALGORITHMS:
        raise UnknownAlgorithm(f"algorithm {algorithm!r} is not rsa-sha256 or hs2019")
    covered = set(names)
    if "(request-target)" not in covered:
        raise TargetNotSigned("(request-target) is not signed")
    if "host" not in covered and request.method.upper() in ("GET", "HEAD"):
        raise HostNotSigned("a GET must sign host")
    if "date" in covered:
        _check_date_header(request, when, window)
    elif "(created)" not in covered:
        raise DateNotSigned("neither date nor (created) is signed")
    pseudo = "(created)" in covered or "(expires)" in covered
    if pseudo:
        _check_time(created, expires, when, window)
    elif expires is not None:
        _check_time(None, expires, when, window)
    fields = request.headers._map()
    if "digest" in covered and "content-digest" not in fields and "digest" in fields:
        # The usual POST (only ``Digest``, signed): what _check_body_digest would do.
        try:
            check_digest_header(fields["digest"], request.body)
        except DigestDoesNotMatch as exc:
            raise DigestMismatch(str(exc)) from exc
        except (DigestMalformed, DigestUnsupported) as exc:
            raise DigestMismatch(f"unusable digest: {exc}") from exc
    else:
        _check_body_digest(request, covered, cavage_mode=True)
    data = (
        cavage.signing_string(request, names, created=created, expires=expires, algorithm=algorithm)
        if pseudo
        else cavage.plain_signing_string(request, names)
    ).encode("utf-8")

    # _with_key, inlined: resolve, check, refresh once.
    info = await resolve_key(key_id, False)
    if info is None:
        raise UnknownKey(f"no key {key_id!r}")
    if not cavage.verify_bytes(algorithm, info.public_key, signature, data):
        fresh = await resolve_key(key_id, True)  # key rotation: refetch once
        if fresh is None or not cavage.verify_bytes(algorithm, fresh.public_key, signature, data):
            raise BadSignature(f"signature does not verify with key {key_id!r}")
        info = fresh
    return VerifiedRequest(info.owner, key_id, "cavage", algorithm or "hs2019")


async def _verify_rfc9421(
    request: HttpRequest, resolve_key: ResolveKey, when: dt.datetime, window: dt.timedelta
) -> VerifiedRequest:
    if "signature" not in request.headers._map():
        raise SignatureMalformed("Signature-Input without Signature")
    sigs = rfc9421.parse_signatures(request.headers)
    # Several labels may be present (e.g. a proxy's); the first one is the sender's (§4.3).
    sig = sigs[0]
    key_id, alg, created = sig.key_id, sig.alg, sig.created  # properties: read once
    if not key_id:
        raise SignatureMalformed("signature has no keyid")
    if alg is not None and alg not in rfc9421.ALGORITHMS:
        raise UnknownAlgorithm(f"algorithm {alg!r} is not supported")
    covered = set(sig.components)
    if "@target-uri" not in covered and "@path" not in covered and "@request-target" not in covered:
        raise TargetNotSigned("neither @target-uri nor @path is covered")
    if request.method.upper() in ("GET", "HEAD") and not covered & {
        "@authority",
        "@target-uri",
        "host",
    }:
        raise HostNotSigned("a GET must cover @authority (or @target-uri)")
    if created is None and "date" not in covered:
        raise DateNotSigned("neither created nor date is signed")
    _check_time(created, sig.expires, when, window)
    if created is None:
        _check_date_header(request, when, window)
    _check_body_digest(request, covered, cavage_mode=False)

    base = rfc9421.base_for(request, sig)

    def check(info: PublicKeyInfo) -> bool:
        chosen = rfc9421.algorithm_for(alg, info.public_key, info.algorithm)
        if rfc9421.verify_one(request, sig, info.public_key, chosen, base):
            return True
        # No alg and an RSA key: the sender may have used RSA-PSS (§3.3.1).
        if alg is None and info.algorithm is None and isinstance(info.public_key, rsa.RSAPublicKey):
            return rfc9421.verify_one(request, sig, info.public_key, "rsa-pss-sha512", base)
        return False

    info = await _with_key(key_id, resolve_key, check)
    return VerifiedRequest(info.owner, key_id, "rfc9421", alg or info.algorithm)


def signature_b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
