"""verify_request: every rejection reason has its own test, plus round trips and interop."""

from __future__ import annotations

import datetime as dt
import json
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
from conftest import NOW
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from http_message_signatures import HTTPMessageSigner, HTTPMessageVerifier, algorithms

from federation import errors
from federation.client import SigningAuth
from federation.digest import content_digest_header, digest_header
from federation.http import Headers, HttpRequest
from federation.keys import PublicKeyInfo
from federation.signatures import cavage, rfc9421
from federation.signatures.verify import verify_request

ACTOR = "https://remote.example/users/alice"
KEY_ID = ACTOR + "#main-key"
INBOX = "https://node.example/inbox?x=1"
BODY = json.dumps(
    {"type": "Follow", "actor": ACTOR, "object": "https://node.example/actor"}
).encode()


class Keys:
    """A resolve_key that records its calls; ``keys`` can change between calls (rotation)."""

    def __init__(self, *keys: Any) -> None:
        self.keys = list(keys)
        self.calls: list[tuple[str, bool]] = []

    async def __call__(self, key_id: str, refresh: bool) -> PublicKeyInfo | None:
        self.calls.append((key_id, refresh))
        if not self.keys:
            return None
        key = self.keys.pop(0) if len(self.keys) > 1 else self.keys[0]
        return PublicKeyInfo(key_id, ACTOR, key.public_key())


def signed(
    key: Any,
    method: str = "POST",
    url: str = INBOX,
    body: bytes = BODY,
    *,
    rfc9421_hosts: tuple[str, ...] = (),
    when: dt.datetime = NOW,
) -> HttpRequest:
    request = httpx.Request(
        method,
        url,
        content=body or None,
        headers={"Content-Type": "application/activity+json"} if body else {},
    )
    SigningAuth(KEY_ID, key, rfc9421_hosts=rfc9421_hosts, clock=lambda: when).sign(request)
    return HttpRequest.from_httpx(request)


def cavage_request(
    key: Any,
    headers: list[str],
    *,
    method: str = "POST",
    body: bytes = BODY,
    algorithm: str = "rsa-sha256",
    created: int | None = None,
    expires: int | None = None,
    extra: dict[str, str] | None = None,
) -> HttpRequest:
    hdrs = Headers(
        {
            "Host": "node.example",
            "Date": format_datetime(NOW, usegmt=True),
            "Content-Type": "application/activity+json",
            **(extra or {}),
        }
    )
    if body:
        hdrs["Digest"] = digest_header(body)
    request = HttpRequest(method, "/inbox?x=1", hdrs, body)
    request.headers["Signature"] = cavage.sign_request(
        request,
        key_id=KEY_ID,
        private_key=key,
        headers=headers,
        algorithm=algorithm,
        created=created,
        expires=expires,
    )
    return request


# --- acceptance and round trips ------------------------------------------------------------


async def test_cavage_post_round_trip(rsa_key: rsa.RSAPrivateKey) -> None:
    request = signed(rsa_key)
    assert (
        "digest" in request.headers["signature"] and "content-type" in request.headers["signature"]
    )
    result = await verify_request(request, Keys(rsa_key), now=NOW)
    assert (result.owner, result.key_id, result.scheme, result.algorithm) == (
        ACTOR,
        KEY_ID,
        "cavage",
        "rsa-sha256",
    )


async def test_cavage_get_round_trip_signs_host(rsa_key: rsa.RSAPrivateKey) -> None:
    request = signed(rsa_key, "GET", "https://node.example/users/bob?page=2", b"")
    assert 'headers="(request-target) host date"' in request.headers["signature"]
    assert (await verify_request(request, Keys(rsa_key), now=NOW)).owner == ACTOR


async def test_rfc9421_round_trip(rsa_key: rsa.RSAPrivateKey, ed_key: Any) -> None:
    for key in (rsa_key, ed_key):
        request = signed(key, rfc9421_hosts=("node.example",))
        assert "signature-input" in request.headers and "content-digest" in request.headers
        result = await verify_request(request, Keys(key), now=NOW)
        assert result.scheme == "rfc9421" and result.owner == ACTOR


async def test_hs2019_with_ed25519_and_created_expires(ed_key: ed25519.Ed25519PrivateKey) -> None:
    created = int(NOW.timestamp())
    request = cavage_request(
        ed_key,
        ["(request-target)", "host", "(created)", "(expires)", "digest"],
        algorithm="hs2019",
        created=created,
        expires=created + 300,
    )
    assert f"created={created}" in request.headers["signature"]  # unquoted, as -12 says
    assert (await verify_request(request, Keys(ed_key), now=NOW)).algorithm == "hs2019"
    # Older implementations quote created/expires: accepted too.
    quoted = request.headers["signature"].replace(f"created={created}", f'created="{created}"')
    request.headers["Signature"] = quoted
    assert (await verify_request(request, Keys(ed_key), now=NOW)).owner == ACTOR


async def test_authorization_header_form(rsa_key: rsa.RSAPrivateKey) -> None:
    request = signed(rsa_key)
    request.headers["Authorization"] = "Signature " + request.headers["Signature"]
    del request.headers["Signature"]
    assert (await verify_request(request, Keys(rsa_key), now=NOW)).owner == ACTOR


async def test_query_string_is_part_of_request_target(rsa_key: rsa.RSAPrivateKey) -> None:
    request = signed(rsa_key)
    request.target = "/inbox?x=2"
    with pytest.raises(errors.BadSignature):
        await verify_request(request, Keys(rsa_key), now=NOW)


async def test_we_verify_what_http_message_signatures_signs(rsa_key: rsa.RSAPrivateKey) -> None:
    request = HttpRequest.from_url("POST", INBOX, {"Content-Type": "application/json"}, BODY)

    class Resolver:
        def resolve_private_key(self, key_id: str) -> Any:
            return rsa_key

    HTTPMessageSigner(signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=Resolver()).sign(
        request,
        key_id=KEY_ID,
        created=NOW,
        body=BODY,
        covered_component_ids=("@method", "@target-uri", "@authority", "content-type"),
    )
    assert (await verify_request(request, Keys(rsa_key), now=NOW)).scheme == "rfc9421"


def test_http_message_signatures_verifies_what_we_sign(rsa_key: rsa.RSAPrivateKey) -> None:
    request = HttpRequest.from_url("POST", INBOX, {"Content-Type": "application/json"}, BODY)
    rfc9421.sign_request(request, key_id=KEY_ID, private_key=rsa_key)

    class Resolver:
        def resolve_public_key(self, key_id: str) -> Any:
            assert key_id == KEY_ID
            return rsa_key.public_key()

    results = HTTPMessageVerifier(
        signature_algorithm=algorithms.RSA_V1_5_SHA256, key_resolver=Resolver()
    ).verify(request, body=BODY)
    assert results[0].parameters["keyid"] == KEY_ID and results[0].body == BODY


# --- rejections, one per reason -------------------------------------------------------------


async def test_reject_no_signature(rsa_key: rsa.RSAPrivateKey) -> None:
    request = signed(rsa_key)
    del request.headers["Signature"]
    with pytest.raises(errors.SignatureMissing) as info:
        await verify_request(request, Keys(rsa_key), now=NOW)
    assert (info.value.status, info.value.reason) == (401, "no_signature")


@pytest.mark.parametrize(
    "header",
    [
        'keyId="k",algorithm="rsa-sha256"',  # no signature
        'algorithm="rsa-sha256",signature="AAAA"',  # no keyId
        'keyId="k",signature="not base64!"',
        'keyId="k",,signature=',
    ],
)
async def test_reject_malformed_cavage(rsa_key: rsa.RSAPrivateKey, header: str) -> None:
    request = signed(rsa_key)
    request.headers["Signature"] = header
    with pytest.raises(errors.SignatureMalformed) as info:
        await verify_request(request, Keys(rsa_key), now=NOW)
    assert info.value.status == 400


async def test_reject_malformed_rfc9421(rsa_key: rsa.RSAPrivateKey) -> None:
    request = signed(rsa_key, rfc9421_hosts=("node.example",))
    request.headers["Signature-Input"] = "sig1=(not a list"
    with pytest.raises(errors.SignatureMalformed):
        await verify_request(request, Keys(rsa_key), now=NOW)


async def test_reject_unknown_algorithm(rsa_key: rsa.RSAPrivateKey) -> None:
    request = signed(rsa_key)
    request.headers["Signature"] = request.headers["Signature"].replace("rsa-sha256", "hmac-sha256")
    with pytest.raises(errors.UnknownAlgorithm):
        await verify_request(request, Keys(rsa_key), now=NOW)
    request = signed(rsa_key, rfc9421_hosts=("node.example",))
    request.headers["Signature-Input"] = request.headers["Signature-Input"].replace(
        '"rsa-v1_5-sha256"', '"hmac-sha256"'
    )
    with pytest.raises(errors.UnknownAlgorithm):
        await verify_request(request, Keys(rsa_key), now=NOW)


@pytest.mark.parametrize(
    "skew", [dt.timedelta(hours=1, seconds=5), -dt.timedelta(hours=1, seconds=5)]
)
async def test_reject_date_outside_one_hour(rsa_key: rsa.RSAPrivateKey, skew: dt.timedelta) -> None:
    request = signed(rsa_key, when=NOW + skew)
    with pytest.raises(errors.DateOutOfWindow):
        await verify_request(request, Keys(rsa_key), now=NOW)
    # Within the window it passes: the clock really is what decides.
    assert await verify_request(signed(rsa_key, when=NOW + skew * 0.9), Keys(rsa_key), now=NOW)


async def test_reject_created_outside_window_rfc9421(rsa_key: rsa.RSAPrivateKey) -> None:
    request = signed(rsa_key, rfc9421_hosts=("node.example",), when=NOW - dt.timedelta(hours=2))
    with pytest.raises(errors.DateOutOfWindow):
        await verify_request(request, Keys(rsa_key), now=NOW)


async def test_reject_created_outside_window_cavage(ed_key: Any) -> None:
    created = int(NOW.timestamp()) - 7200
    request = cavage_request(
        ed_key,
        ["(request-target)", "host", "(created)", "digest"],
        algorithm="hs2019",
        created=created,
    )
    with pytest.raises(errors.DateOutOfWindow):
        await verify_request(request, Keys(ed_key), now=NOW)


async def test_reject_expires_in_the_past(ed_key: Any, rsa_key: rsa.RSAPrivateKey) -> None:
    created = int(NOW.timestamp()) - 60
    request = cavage_request(
        ed_key,
        ["(request-target)", "host", "(created)", "(expires)", "digest"],
        algorithm="hs2019",
        created=created,
        expires=created + 30,
    )
    with pytest.raises(errors.SignatureExpired):
        await verify_request(request, Keys(ed_key), now=NOW)
    rfc = HttpRequest.from_url("POST", INBOX, {}, BODY)
    rfc9421.sign_request(
        rfc,
        key_id=KEY_ID,
        private_key=rsa_key,
        created=NOW - dt.timedelta(seconds=60),
        expires=NOW - dt.timedelta(seconds=1),
    )
    with pytest.raises(errors.SignatureExpired):
        await verify_request(rfc, Keys(rsa_key), now=NOW)


async def test_reject_digest_missing(rsa_key: rsa.RSAPrivateKey) -> None:
    request = cavage_request(rsa_key, ["(request-target)", "host", "date"], body=BODY)
    del request.headers["Digest"]
    with pytest.raises(errors.DigestMissing):
        await verify_request(request, Keys(rsa_key), now=NOW)


async def test_reject_digest_wrong(rsa_key: rsa.RSAPrivateKey) -> None:
    request = signed(rsa_key)
    request.body = BODY.replace(b"Follow", b"Delete")
    with pytest.raises(errors.DigestMismatch):
        await verify_request(request, Keys(rsa_key), now=NOW)
    rfc = signed(rsa_key, rfc9421_hosts=("node.example",))
    rfc.body = BODY + b" "
    with pytest.raises(errors.DigestMismatch):
        await verify_request(rfc, Keys(rsa_key), now=NOW)


async def test_reject_post_that_does_not_sign_digest(rsa_key: rsa.RSAPrivateKey) -> None:
    request = cavage_request(rsa_key, ["(request-target)", "host", "date"])
    assert "digest" in request.headers
    with pytest.raises(errors.DigestNotSigned):
        await verify_request(request, Keys(rsa_key), now=NOW)
    rfc = HttpRequest.from_url("POST", INBOX, {"Content-Digest": content_digest_header(BODY)}, BODY)
    rfc9421.sign_request(
        rfc,
        key_id=KEY_ID,
        private_key=rsa_key,
        created=NOW,
        components=["@method", "@target-uri", "@authority", "content-digest"],
    )
    rfc.headers["Signature-Input"] = rfc.headers["Signature-Input"].replace(' "content-digest"', "")
    with pytest.raises(errors.DigestNotSigned):
        await verify_request(rfc, Keys(rsa_key), now=NOW)


async def test_reject_get_that_does_not_sign_host(rsa_key: rsa.RSAPrivateKey) -> None:
    request = cavage_request(rsa_key, ["(request-target)", "date"], method="GET", body=b"")
    with pytest.raises(errors.HostNotSigned):
        await verify_request(request, Keys(rsa_key), now=NOW)
    rfc = HttpRequest.from_url("GET", INBOX, {})
    rfc9421.sign_request(
        rfc, key_id=KEY_ID, private_key=rsa_key, created=NOW, components=["@method", "@path"]
    )
    with pytest.raises(errors.HostNotSigned):
        await verify_request(rfc, Keys(rsa_key), now=NOW)


async def test_reject_unsigned_target_and_unsigned_date(rsa_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(errors.TargetNotSigned):
        await verify_request(
            cavage_request(rsa_key, ["host", "date", "digest"]), Keys(rsa_key), now=NOW
        )
    with pytest.raises(errors.DateNotSigned):
        await verify_request(
            cavage_request(rsa_key, ["(request-target)", "host", "digest"]), Keys(rsa_key), now=NOW
        )


async def test_reject_unknown_key(rsa_key: rsa.RSAPrivateKey) -> None:
    keys = Keys()
    with pytest.raises(errors.UnknownKey):
        await verify_request(signed(rsa_key), keys, now=NOW)
    assert keys.calls == [(KEY_ID, False)]


async def test_reject_bad_signature_after_one_refresh(
    rsa_key: rsa.RSAPrivateKey, other_rsa_key: rsa.RSAPrivateKey
) -> None:
    keys = Keys(other_rsa_key)
    with pytest.raises(errors.BadSignature) as info:
        await verify_request(signed(rsa_key), keys, now=NOW)
    assert keys.calls == [(KEY_ID, False), (KEY_ID, True)]
    assert info.value.status == 401


async def test_key_rotation_refetches_once(
    rsa_key: rsa.RSAPrivateKey, other_rsa_key: rsa.RSAPrivateKey
) -> None:
    keys = Keys(other_rsa_key, rsa_key)  # cached key is stale, the refreshed one is right
    assert (await verify_request(signed(rsa_key), keys, now=NOW)).owner == ACTOR
    assert keys.calls == [(KEY_ID, False), (KEY_ID, True)]


async def test_rsa_sha256_with_an_ed25519_key_is_a_bad_signature(ed_key: Any) -> None:
    request = cavage_request(
        ed_key, ["(request-target)", "host", "date", "digest"], algorithm="hs2019"
    )
    request.headers["Signature"] = request.headers["Signature"].replace("hs2019", "rsa-sha256")
    with pytest.raises(errors.BadSignature):
        await verify_request(request, Keys(ed_key), now=NOW)
