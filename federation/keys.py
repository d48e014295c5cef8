"""Actor keys: generation, PEM, ``publicKey`` documents and FEP-521a ``Multikey``.

The fediverse identifies a key by an IRI (``keyId``), conventionally ``<actor>#main-key``, and
publishes it inside the actor document (security vocabulary v1: ``id``, ``owner``,
``publicKeyPem``). FEP-521a adds ``assertionMethod`` entries of type ``Multikey`` whose
``publicKeyMultibase`` is multibase base58btc of a multicodec-prefixed key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

from federation.errors import KeyFormatError

PrivateKey: TypeAlias = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
PublicKey: TypeAlias = rsa.RSAPublicKey | ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey

MAIN_KEY_FRAGMENT = "#main-key"


@dataclass(frozen=True, slots=True)
class PublicKeyInfo:
    """What a ``resolve_key`` callback returns: who owns the key, and the key itself.

    ``algorithm`` optionally pins an RFC 9421 algorithm name (e.g. ``rsa-pss-sha512``) for keys
    whose type alone is ambiguous; leave it ``None`` for ordinary fediverse RSA keys.
    """

    key_id: str
    owner: str
    public_key: PublicKey
    algorithm: str | None = None


def generate_rsa_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    """A new RSA key (DESIGN §4: RSA-2048 is what every fediverse server can verify)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def generate_ed25519_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


def private_key_to_pem(key: PrivateKey, password: bytes | None = None) -> str:
    """PKCS#8 PEM, encrypted with ``password`` when given."""
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    ).decode("ascii")


def public_key_to_pem(key: PublicKey | PrivateKey) -> str:
    """SubjectPublicKeyInfo PEM (``-----BEGIN PUBLIC KEY-----``), the form Mastodon publishes."""
    return (
        to_public(key)
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def to_public(key: PublicKey | PrivateKey) -> PublicKey:
    """The public half of ``key`` (``key`` itself when it is already public)."""
    if isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey):
        return key.public_key()
    return key


def load_private_key_pem(pem: str | bytes, password: bytes | None = None) -> PrivateKey:
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyFormatError(f"cannot load private key: {exc}") from exc
    if not isinstance(
        key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey
    ):
        raise KeyFormatError(f"unsupported private key type {type(key).__name__}")
    return key


def load_public_key_pem(pem: str | bytes) -> PublicKey:
    """Load SPKI (``PUBLIC KEY``) or PKCS#1 (``RSA PUBLIC KEY``) PEM, as found in the wild."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data.strip())
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise KeyFormatError(f"cannot load public key: {exc}") from exc
    if not isinstance(key, rsa.RSAPublicKey | ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey):
        raise KeyFormatError(f"unsupported public key type {type(key).__name__}")
    return key


def main_key_id(actor_id: str) -> str:
    return actor_id + MAIN_KEY_FRAGMENT


def actor_public_key(actor_id: str, key: PublicKey | PrivateKey) -> dict[str, str]:
    """The actor's ``publicKey`` object (security v1), as Mastodon and GoToSocial expect it."""
    return {"id": main_key_id(actor_id), "owner": actor_id, "publicKeyPem": public_key_to_pem(key)}


# --- FEP-521a Multikey -------------------------------------------------------------------------
# Multicodec prefixes (unsigned varints): ed25519-pub 0xed, rsa-pub 0x1205 (over PKCS#1 DER).
_ED25519_PREFIX = b"\xed\x01"
_RSA_PREFIX = b"\x85\x24"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def _b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + out


def _b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        idx = _B58.find(ch)
        if idx < 0:
            raise KeyFormatError(f"invalid base58 character {ch!r}")
        n = n * 58 + idx
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(text) - len(text.lstrip("1"))
    return b"\0" * pad + body


def public_key_multibase(key: PublicKey | PrivateKey) -> str:
    """``z``-prefixed base58btc multibase of the multicodec key (FEP-521a)."""
    public = to_public(key)
    if isinstance(public, ed25519.Ed25519PublicKey):
        raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return "z" + _b58encode(_ED25519_PREFIX + raw)
    if isinstance(public, rsa.RSAPublicKey):
        der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
        return "z" + _b58encode(_RSA_PREFIX + der)
    raise KeyFormatError("Multikey is implemented for Ed25519 and RSA keys only")


def load_public_key_multibase(value: str) -> PublicKey:
    if not value.startswith("z"):
        raise KeyFormatError("only base58btc ('z') multibase is supported")
    data = _b58decode(value[1:])
    if data.startswith(_ED25519_PREFIX) and len(data) == 34:
        return ed25519.Ed25519PublicKey.from_public_bytes(data[2:])
    if data.startswith(_RSA_PREFIX):
        try:
            key = serialization.load_der_public_key(_pkcs1_to_spki(data[2:]))
        except ValueError as exc:
            raise KeyFormatError(f"bad RSA multikey: {exc}") from exc
        if isinstance(key, rsa.RSAPublicKey):
            return key
    raise KeyFormatError("unsupported multicodec key")


def _pkcs1_to_spki(pkcs1_der: bytes) -> bytes:
    """Wrap a PKCS#1 RSAPublicKey in SubjectPublicKeyInfo (rsaEncryption, NULL params)."""

    def der_len(n: int) -> bytes:
        if n < 0x80:
            return bytes([n])
        raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
        return bytes([0x80 | len(raw)]) + raw

    alg = bytes.fromhex("300d06092a864886f70d0101010500")
    bitstring = b"\x03" + der_len(len(pkcs1_der) + 1) + b"\x00" + pkcs1_der
    body = alg + bitstring
    return b"\x30" + der_len(len(body)) + body


def multikey(
    actor_id: str, key: PublicKey | PrivateKey, fragment: str = "#ed25519-key"
) -> dict[str, str]:
    """An FEP-521a ``assertionMethod`` entry for ``actor_id``."""
    return {
        "id": actor_id + fragment,
        "type": "Multikey",
        "controller": actor_id,
        "publicKeyMultibase": public_key_multibase(key),
    }


def keys_from_actor(actor: Mapping[str, Any]) -> list[PublicKeyInfo]:
    """Every usable key an actor document publishes (``publicKey`` and ``assertionMethod``).

    Tolerant of what servers send: one object or a list, ``owner``/``controller`` missing (the
    actor is then assumed), unknown key formats skipped.
    """
    actor_id = str(actor.get("id", ""))
    found: list[PublicKeyInfo] = []
    for entry in _as_list(actor.get("publicKey")):
        if isinstance(entry, Mapping) and isinstance(entry.get("publicKeyPem"), str):
            try:
                key = load_public_key_pem(entry["publicKeyPem"])
            except KeyFormatError:
                continue
            owner = str(entry.get("owner") or actor_id)
            found.append(PublicKeyInfo(str(entry.get("id", main_key_id(actor_id))), owner, key))
    for entry in _as_list(actor.get("assertionMethod")):
        if isinstance(entry, Mapping) and isinstance(entry.get("publicKeyMultibase"), str):
            try:
                key = load_public_key_multibase(entry["publicKeyMultibase"])
            except KeyFormatError:
                continue
            owner = str(entry.get("controller") or actor_id)
            found.append(PublicKeyInfo(str(entry.get("id", "")), owner, key))
    return found


def key_from_actor(actor: Mapping[str, Any], key_id: str) -> PublicKeyInfo | None:
    """The key named ``key_id`` in ``actor``, if the actor publishes it."""
    for info in keys_from_actor(actor):
        if info.key_id == key_id:
            return info
    return None


def _as_list(value: object) -> list[object]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]
