"""RFC 9421 HTTP Message Signatures, built on the ``http-message-signatures`` package.

We use the package for what it does well — component resolution, the signature base (§2.5),
the algorithms (§3.3) — and keep policy (which components must be covered, the clock window,
key lookup) in ``verify.py``, because the package's verifier reads the wall clock with a 5 s skew
while the fediverse works with ±1 h (Mastodon) and tests need an injectable clock.
"""

from __future__ import annotations

import binascii
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import http_sf
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPSignatureKeyResolver,
    algorithms,
)
from http_message_signatures.exceptions import HTTPMessageSignaturesException
from http_message_signatures.signatures import HTTPSignatureHandler

from federation.digest import content_digest_header
from federation.errors import SignatureMalformed, UnknownAlgorithm
from federation.http import Headers, HttpRequest
from federation.keys import PrivateKey, PublicKey
from federation.signatures.cavage import key_kind

ALGORITHMS: dict[str, type[algorithms.HTTPSignatureAlgorithm]] = {
    "rsa-v1_5-sha256": algorithms.RSA_V1_5_SHA256,
    "rsa-pss-sha512": algorithms.RSA_PSS_SHA512,
    "ecdsa-p256-sha256": algorithms.ECDSA_P256_SHA256,
    "ed25519": algorithms.ED25519,
}
DEFAULT_COMPONENTS = ("@method", "@target-uri", "@authority")


@dataclass(frozen=True, slots=True)
class Rfc9421Signature:
    """One labelled signature: its ``Signature-Input`` member and ``Signature`` bytes."""

    label: str
    components: tuple[str, ...]  # bare names, e.g. "@method", "content-digest"
    params: dict[str, Any]
    signature: bytes
    input_member: str  # serialized inner list with parameters, as sent
    simple: bool = False  # no component carries parameters (;sf, ;key, ;req, ;bs, ;name)

    @property
    def key_id(self) -> str:
        return str(self.params.get("keyid", ""))

    @property
    def alg(self) -> str | None:
        alg = self.params.get("alg")
        return str(alg) if alg is not None else None

    @property
    def created(self) -> int | None:
        value = self.params.get("created")
        return value if isinstance(value, int) else None

    @property
    def expires(self) -> int | None:
        value = self.params.get("expires")
        return value if isinstance(value, int) else None


_SIG_MEMBER = re.compile(r"\s*([a-z*][a-z0-9_\-.*]*)=:([A-Za-z0-9+/]*={0,2}):\s*")


def _parse_signature_field(value: str) -> dict[str, tuple[bytes, dict[str, Any]]]:
    """``Signature`` is a dictionary of byte sequences. Parsing it with ``http_sf`` costs more
    than the RSA check (it validates each base64 character in Python), so the usual shape —
    ``label=:base64:`` members without parameters — is read with a regex, the rest by
    ``http_sf``."""
    out: dict[str, tuple[bytes, dict[str, Any]]] = {}
    for part in value.split(","):
        m = _SIG_MEMBER.fullmatch(part)
        if m is None:
            parsed: Any = http_sf.parse(value.encode("ascii"), tltype="dictionary")
            return dict(parsed)
        if m.group(1) in out:
            raise SignatureMalformed(f"duplicate signature label {m.group(1)!r}")
        # The regex admits only the base64 alphabet: what b64decode(validate=False) does.
        out[m.group(1)] = (binascii.a2b_base64(m.group(2)), {})
    return out


# A strict subset of RFC 8941 for ``Signature-Input``, in canonical serialization only: members
# ``label=("component" …);param=value…`` where components are plain strings (no parameters, no
# escapes), parameter values integers (no leading zeros) or strings without escapes, single
# spaces inside the inner list. For such a member the text as sent *is* its serialization
# (§2.3 ``@signature-params``), so the base can be built without re-serializing; every other
# form (tokens, booleans, component parameters, escapes, extra spaces, duplicates) goes to
# ``http_sf``.
_SF_KEY = r"[a-z*][a-z0-9_\-.*]*"
_LEAN_STRING = r'"[\x20\x21\x23-\x5b\x5d-\x7e]*"'
_LEAN_INTEGER = r"(?:0|-?[1-9][0-9]{0,14})"
_LEAN_MEMBER = re.compile(
    rf"({_SF_KEY})=(\(((?:{_LEAN_STRING}(?: {_LEAN_STRING})*)?)\)"
    rf"((?:;{_SF_KEY}=(?:{_LEAN_INTEGER}|{_LEAN_STRING}))*))"
)
_LEAN_PARAM = re.compile(
    rf'(?:;({_SF_KEY})=(?:({_LEAN_INTEGER})|"([\x20\x21\x23-\x5b\x5d-\x7e]*)"))'
)
_SF_DICT_SEPARATOR = re.compile(r"[ \t]*,[ \t]*")

LeanMember = tuple[str, tuple[str, ...], dict[str, int | str], str]
"""``(label, components, params, serialized inner list)`` of one ``Signature-Input`` member."""


def parse_signature_input_lean(value: str) -> list[LeanMember] | None:
    """``Signature-Input`` in its common canonical form, or None when ``http_sf`` must decide.

    For every value this accepts, ``http_sf`` parses the same labels, components and
    parameters, and serializes each member to exactly the text returned (tested).
    """
    out: list[LeanMember] = []
    labels: set[str] = set()
    pos, end = 0, len(value)
    while True:
        m = _LEAN_MEMBER.match(value, pos)
        if m is None:
            return None
        label, member, inner, param_text = m.groups()
        params: dict[str, int | str] = {}
        for name, integer, string in _LEAN_PARAM.findall(param_text):
            if name in params:
                return None  # SF keeps the last value; rare enough for the general parser
            params[name] = int(integer) if integer else string
        if label in labels:
            return None
        labels.add(label)
        # The regex guarantees ``"a" "b" …`` with no quote inside a component.
        components = tuple(inner[1:-1].split('" "')) if inner else ()
        out.append((label, components, params, member))
        pos = m.end()
        if pos == end:
            return out
        sep = _SF_DICT_SEPARATOR.match(value, pos)
        if sep is None or sep.end() == end:
            return None
        pos = sep.end()


def parse_signatures(headers: Headers) -> list[Rfc9421Signature]:
    """Parse ``Signature-Input`` and ``Signature`` (RFC 9421 §4.1, §4.2) into labelled entries."""
    raw_input, raw_sig = headers.get("signature-input"), headers.get("signature")
    if raw_input is None or raw_sig is None:
        raise SignatureMalformed("Signature-Input and Signature must both be present")
    lean = parse_signature_input_lean(raw_input)
    if lean is not None:
        try:
            lean_sigs = _parse_signature_field(raw_sig)
        except (ValueError, TypeError, UnicodeEncodeError, binascii.Error) as exc:
            raise SignatureMalformed(f"malformed structured signature field: {exc}") from exc
        lean_out = []
        for label, components, params, member in lean:
            entry = lean_sigs.get(label)
            if entry is None or not isinstance(entry[0], bytes):
                raise SignatureMalformed(f"label {label!r} has no byte-sequence Signature")
            lean_out.append(
                Rfc9421Signature(label, components, dict(params), entry[0], member, True)
            )
        return lean_out
    return _parse_signatures_general(raw_input, raw_sig)


def _parse_signatures_general(raw_input: str, raw_sig: str) -> list[Rfc9421Signature]:
    try:
        inputs: Any = http_sf.parse(raw_input.encode("ascii"), tltype="dictionary")
        sigs: Any = _parse_signature_field(raw_sig)
    except (ValueError, TypeError, UnicodeEncodeError, binascii.Error) as exc:
        raise SignatureMalformed(f"malformed structured signature field: {exc}") from exc
    if not isinstance(inputs, dict) or not isinstance(sigs, dict) or not inputs:
        raise SignatureMalformed("no signatures found")
    out = []
    for label, (items, params) in inputs.items():
        member = sigs.get(label)
        if member is None or not isinstance(member[0], bytes):
            raise SignatureMalformed(f"label {label!r} has no byte-sequence Signature")
        if not isinstance(items, list):
            raise SignatureMalformed(f"Signature-Input member {label!r} is not an inner list")
        names = []
        simple = True
        for value, item_params in items:
            if not isinstance(value, str):
                raise SignatureMalformed("component identifiers must be strings")
            names.append(value)
            simple = simple and not item_params
        serialized = http_sf.ser({label: (items, params)}).partition("=")[2]
        out.append(
            Rfc9421Signature(label, tuple(names), dict(params), member[0], serialized, simple)
        )
    return out


def algorithm_for(alg: str | None, key: PublicKey | PrivateKey, hint: str | None = None) -> str:
    """RFC 9421 §3.3.7: ``alg`` when sent, else derived from the key material."""
    name = alg or hint
    if name is not None:
        if name not in ALGORITHMS:
            raise UnknownAlgorithm(f"algorithm {name!r} is not supported")
        return name
    if isinstance(key, ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey):
        return "ed25519"
    if isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey):
        return "ecdsa-p256-sha256"
    if isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        return "rsa-v1_5-sha256"  # what fediverse RSA keys sign with
    raise UnknownAlgorithm(f"no algorithm for key type {type(key).__name__}")


class _FixedKey(HTTPSignatureKeyResolver):  # type: ignore[misc]
    def __init__(self, public: PublicKey | None = None, private: PrivateKey | None = None) -> None:
        self.public, self.private = public, private

    def resolve_public_key(self, key_id: str) -> PublicKey | None:
        return self.public

    def resolve_private_key(self, key_id: str) -> PrivateKey | None:
        return self.private


class _BaseBuilder(HTTPSignatureHandler):  # type: ignore[misc]
    def base(self, message: HttpRequest, input_member: str) -> str:
        node = self._parse_signature_dictionary("s=" + input_member)["s"]
        sig_base, _, _ = self._build_signature_base(
            message, covered_component_ids=list(node), signature_params=node.params
        )
        return str(sig_base)


_BUILDER = _BaseBuilder(signature_algorithm=algorithms.ED25519, key_resolver=None)


_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _fast_base(request: HttpRequest, sig: Rfc9421Signature) -> str | None:
    """§2.5 for the components fediverse servers use, without re-parsing the fields.

    Returns None when a component needs the package's general resolver. Equality with the
    package's construction is tested on every RFC vector this path accepts.
    """
    fields = request.headers._map()
    scheme = request.scheme.lower()
    raw_host = (fields.get("host") or "").strip()
    target = request.target
    path, qmark, query = target.partition("?")
    path = path or "/"
    lines = []
    for name in sig.components:
        if name == "@method":
            value = request.method
        elif name == "@target-uri":
            value = f"{scheme}://{raw_host}{path}{qmark}{query}"
        elif name == "@authority":
            host, _, port = raw_host.lower().partition(":")
            value = (
                host
                if not port or port.lstrip("0") == _DEFAULT_PORTS.get(scheme)
                else f"{host}:{port}"
            )
        elif name == "@path":
            value = path
        elif name == "@query":
            value = f"?{query}"
        elif name == "@scheme":
            value = scheme
        elif name.startswith("@") or name == "set-cookie":
            return None
        else:
            field = fields.get(name)
            if field is None:
                raise SignatureMalformed(f"covered field {name!r} is missing")
            value = field
        if "\n" in value or "\r" in value:
            return None
        lines.append(f'"{name}": {value}')
    lines.append(f'"@signature-params": {sig.input_member}')
    base = "\n".join(lines)
    return base if base.isascii() else None


def base_for(request: HttpRequest, sig: Rfc9421Signature) -> str:
    """The signature base of ``sig``: the fast path when it applies, else the package's."""
    if sig.simple and request._url is None:
        fast = _fast_base(request, sig)
        if fast is not None:
            return fast
    return signature_base(request, sig.input_member)


def signature_base(request: HttpRequest, input_member: str) -> str:
    """The exact signature base (§2.5) for one serialized ``Signature-Input`` member."""
    try:
        return _BUILDER.base(request, input_member)
    except HTTPMessageSignaturesException as exc:
        raise SignatureMalformed(str(exc)) from exc


def verify_one(
    request: HttpRequest,
    sig: Rfc9421Signature,
    public_key: PublicKey,
    algorithm: str,
    base: str | None = None,
) -> bool:
    """Cryptographic check of one signature; no time or coverage policy. True when valid.

    The base comes from the package's §2.5 construction; the check itself is the package's
    algorithm class. (Its ``HTTPMessageVerifier.verify`` would re-parse every header and read
    the wall clock; calling the two parts directly is 5x faster and keeps the clock ours.)
    Pass ``base`` when verifying the same signature twice (key refresh).
    """
    if base is None:
        base = base_for(request, sig)
    data = base.encode("ascii")
    direct = _DIRECT.get(algorithm)
    if direct is not None:
        kind, args = direct
        if key_kind(public_key) != kind:
            return False  # the package's class refuses the key type ("Unexpected public key type")
        try:
            public_key.verify(sig.signature, data, *args)  # type: ignore[call-arg]
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True
    try:
        ALGORITHMS[algorithm](public_key=public_key).verify(sig.signature, data)
    except (InvalidSignature, HTTPMessageSignaturesException, ValueError, TypeError):
        return False
    return True


# The package's algorithm classes are thin wrappers over ``cryptography`` (same padding, hash and
# salt length); building one per verification costs more than calling ``cryptography`` directly.
# ECDSA converts the raw r||s form to DER first, so it keeps the package's class.
_DIRECT: dict[str, tuple[str, tuple[Any, ...]]] = {
    "rsa-v1_5-sha256": ("rsa", (padding.PKCS1v15(), hashes.SHA256())),
    "rsa-pss-sha512": (
        "rsa",
        (padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64), hashes.SHA512()),
    ),
    "ed25519": ("ed25519", ()),
}


def sign_request(
    request: HttpRequest,
    *,
    key_id: str,
    private_key: PrivateKey,
    algorithm: str | None = None,
    components: Sequence[str] | None = None,
    created: dt.datetime | None = None,
    expires: dt.datetime | None = None,
    label: str = "sig1",
    include_alg: bool = True,
) -> None:
    """Sign ``request`` in place: adds ``Content-Digest`` (when there is a body),
    ``Signature-Input`` and ``Signature``."""
    alg = algorithm_for(algorithm, private_key)
    comps = list(components) if components is not None else list(DEFAULT_COMPONENTS)
    if request.body or request.method in ("POST", "PUT", "PATCH"):
        if "content-digest" not in request.headers:
            request.headers["Content-Digest"] = content_digest_header(request.body)
        if "content-digest" not in comps:
            comps.append("content-digest")
    signer = HTTPMessageSigner(
        signature_algorithm=ALGORITHMS[alg], key_resolver=_FixedKey(private=private_key)
    )
    try:
        signer.sign(
            request,
            key_id=key_id,
            created=created or dt.datetime.now(dt.UTC),
            expires=expires,
            label=label,
            include_alg=include_alg,
            covered_component_ids=comps,
            use_existing_digest="content-digest" in request.headers,
        )
    except HTTPMessageSignaturesException as exc:
        raise SignatureMalformed(str(exc)) from exc
