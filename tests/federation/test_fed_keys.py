"""Key generation, PEM, publicKey and FEP-521a Multikey."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from federation import build
from federation.errors import KeyFormatError
from federation.keys import (
    actor_public_key,
    generate_ed25519_key,
    key_from_actor,
    keys_from_actor,
    load_private_key_pem,
    load_public_key_multibase,
    load_public_key_pem,
    multikey,
    private_key_to_pem,
    public_key_multibase,
    public_key_to_pem,
)

VECTORS = Path(__file__).resolve().parents[1] / "vectors"


def test_rsa_2048_pem_round_trip(rsa_key: rsa.RSAPrivateKey) -> None:
    assert rsa_key.key_size == 2048
    again = load_private_key_pem(private_key_to_pem(rsa_key))
    assert isinstance(again, rsa.RSAPrivateKey)
    assert public_key_to_pem(again) == public_key_to_pem(rsa_key)
    assert public_key_to_pem(rsa_key).startswith("-----BEGIN PUBLIC KEY-----")
    encrypted = private_key_to_pem(rsa_key, password=b"s3cret")
    assert "ENCRYPTED" in encrypted
    assert isinstance(load_private_key_pem(encrypted, password=b"s3cret"), rsa.RSAPrivateKey)


def test_pkcs1_public_pem_is_accepted() -> None:
    data = json.loads((VECTORS / "rfc9421.json").read_text())
    assert isinstance(
        load_public_key_pem(data["keys"]["test-key-rsa"]["public_pem"]), rsa.RSAPublicKey
    )


def test_garbage_pem_raises_key_format_error() -> None:
    with pytest.raises(KeyFormatError):
        load_public_key_pem("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----")


def test_actor_public_key_document(rsa_key: rsa.RSAPrivateKey) -> None:
    doc = actor_public_key("https://n.example/actor", rsa_key)
    assert doc["id"] == "https://n.example/actor#main-key"
    assert doc["owner"] == "https://n.example/actor"
    assert (
        load_public_key_pem(doc["publicKeyPem"]).public_numbers()
        == rsa_key.public_key().public_numbers()
    )


def test_multikey_ed25519_known_prefix_and_round_trip() -> None:
    key = generate_ed25519_key()
    value = public_key_multibase(key)
    assert value.startswith("z6Mk")  # every Ed25519 multikey starts so (0xed01 prefix)
    back = load_public_key_multibase(value)
    assert isinstance(back, ed25519.Ed25519PublicKey)
    assert public_key_to_pem(back) == public_key_to_pem(key)


def test_multikey_rsa_round_trip(rsa_key: rsa.RSAPrivateKey) -> None:
    back = load_public_key_multibase(public_key_multibase(rsa_key))
    assert isinstance(back, rsa.RSAPublicKey)
    assert back.public_numbers() == rsa_key.public_key().public_numbers()


def test_keys_from_actor_finds_both_forms(
    rsa_key: rsa.RSAPrivateKey, ed_key: ed25519.Ed25519PrivateKey
) -> None:
    actor_id = "https://n.example/actor"
    doc = build.actor(
        id=actor_id,
        type="Application",
        preferred_username="n",
        inbox=f"{actor_id}/inbox",
        outbox="o",
        followers="f",
        shared_inbox="s",
        key=rsa_key,
        multikeys=[("#ed25519-key", ed_key)],
    )
    assert doc["assertionMethod"][0] == multikey(actor_id, ed_key)
    infos = keys_from_actor(doc)
    assert [i.key_id for i in infos] == [f"{actor_id}#main-key", f"{actor_id}#ed25519-key"]
    assert all(i.owner == actor_id for i in infos)
    assert key_from_actor(doc, f"{actor_id}#other") is None
