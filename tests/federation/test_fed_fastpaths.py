"""The verification fast paths agree with the general (slow) paths they short-cut.

Each fast path accepts only a strict common form and hands everything else to the general code;
these tests check, on the spec vectors, on generated inputs and on tricky ones, that both give
the same result and reject the same inputs.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import random
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from federation import digest
from federation.errors import SignatureMalformed
from federation.http import Headers, parse_http_date
from federation.keys import load_public_key_pem
from federation.signatures import cavage, rfc9421

VECTORS = Path(__file__).resolve().parents[1] / "vectors"
CAVAGE = json.loads((VECTORS / "cavage12.json").read_text())
RFC9421 = json.loads((VECTORS / "rfc9421.json").read_text())


def outcome(fn: Any, *args: Any) -> tuple[str, Any]:
    try:
        return "ok", fn(*args)
    except Exception as exc:
        return "error", type(exc)


# --- HTTP dates ----------------------------------------------------------------------------------


def slow_date(value: str) -> dt.datetime:
    date = parsedate_to_datetime(value)
    return date if date.tzinfo is not None else date.replace(tzinfo=dt.UTC)


def test_http_date_fast_path_matches_email_utils_on_generated_dates() -> None:
    rng = random.Random(9421)
    for _ in range(3000):
        when = dt.datetime.fromtimestamp(rng.randrange(-2_000_000_000, 8_000_000_000), dt.UTC)
        text = format_datetime(when, usegmt=True)
        assert parse_http_date(text) == slow_date(text) == when, text


TRICKY_DATES = [
    "Sat, 01 Mar 2025 12:00:00 GMT",
    "Mon, 01 Mar 2025 12:00:00 GMT",  # wrong weekday: email.utils ignores it, so do we
    "Sat, 29 Feb 2025 12:00:00 GMT",
    "Sat, 31 Apr 2025 12:00:00 GMT",
    "Sat, 01 Mar 2025 24:00:00 GMT",
    "Sat, 01 Mar 2025 23:59:60 GMT",
    "Sat, 01 Mar 2025 12:60:00 GMT",
    "Sat, 00 Mar 2025 12:00:00 GMT",
    "Sat, 01 Mar 0099 12:00:00 GMT",  # email.utils maps two-digit years
    "Sat, 01 Mar 0999 12:00:00 GMT",
    "Sat, 01 mar 2025 12:00:00 GMT",
    "Sat, 01 MAR 2025 12:00:00 GMT",
    "sat, 01 Mar 2025 12:00:00 GMT",
    "Sat, 1 Mar 2025 12:00:00 GMT",
    "Sat,  01 Mar 2025 12:00:00 GMT",
    "Sat, 01 Mar 2025 12:00:00 UTC",
    "Sat, 01 Mar 2025 12:00:00 +0200",
    "Sat, 01 Mar 2025 12:00:00 -0000",
    "Sat, 01 Mar 2025 12:00:00",
    "Sat, 01 Mar 2025 12:00:00 GMT ",
    "01 Mar 2025 12:00:00 GMT",
    "Saturday, 01-Mar-25 12:00:00 GMT",  # RFC 850
    "Sat Mar  1 12:00:00 2025",  # asctime
    "Sat, ٠١ Mar 2025 12:00:00 GMT",  # non-ASCII digits
    "Sat, 01 Mar 2025 1２:00:00 GMT",
    "",
    "garbage",
    "Sat, 01 Mar 2025 12:00:00 GMT\n",
]


@pytest.mark.parametrize("text", TRICKY_DATES)
def test_http_date_fast_path_agrees_on_tricky_inputs(text: str) -> None:
    assert outcome(parse_http_date, text) == outcome(slow_date, text)


# --- base64 and the cavage Signature header ------------------------------------------------------


def test_strict_base64_accepts_and_rejects_like_validate_true() -> None:
    rng = random.Random(12)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=" + " -_\n.é"
    samples = [base64.b64encode(rng.randbytes(n)).decode() for n in range(12)]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(9))) for _ in range(4000)]
    samples += ["=", "==", "YQ", "YQ=", "YQ==", "YQ===", "YQ==YQ==", "Y Q==", "YR==", "=YQ="]
    for text in samples:
        expected = outcome(base64.b64decode, text, None, True)
        got = outcome(cavage._b64decode_strict, text)
        if expected[0] == "ok":
            assert got == expected, text
        else:
            assert got == ("error", SignatureMalformed), text


def reference_parse(value: str) -> tuple[Any, ...]:
    """The general parser alone (the scanner), as the header was parsed before the fast path."""
    text = value.strip()
    if text[:10].lower() == "signature ":
        text = text[10:]
    params = cavage._scan_params(text)
    key_id, sig = params.get("keyId"), params.get("signature")
    if not key_id:
        raise SignatureMalformed("signature has no keyId")
    if not sig:
        raise SignatureMalformed("signature has no signature value")
    try:
        raw = base64.b64decode(sig, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise SignatureMalformed("signature value is not base64") from exc
    names = tuple(h.lower() for h in params.get("headers", "date").split())
    if not names:
        raise SignatureMalformed("empty headers parameter")
    ints = []
    for name in ("created", "expires"):
        raw_int = params.get(name)
        try:
            ints.append(None if raw_int is None else int(raw_int))
        except ValueError as exc:
            raise SignatureMalformed(f"{name} is not an integer") from exc
    return (key_id, params.get("algorithm") or None, names, raw, *ints)


SIG = base64.b64encode(b"\x01" * 256).decode()
TRICKY_HEADERS = [
    CAVAGE["cases"][0]["signature_header"]
    if CAVAGE.get("cases")
    else f'keyId="k",signature="{SIG}"',
    f'keyId="https://a.example/u#main-key",algorithm="rsa-sha256",'
    f'headers="(request-target) host date digest",signature="{SIG}"',
    f'keyId="k",algorithm="hs2019",created=1402170695,expires=1402170699,'
    f'headers="(request-target) (created) (expires)",signature="{SIG}"',
    f'keyId="k",algorithm="hs2019",created=1402170695,headers="(created)",signature="{SIG}"',
    f'keyId="k",algorithm="hs2019",expires=1402170699,headers="(expires)",signature="{SIG}"',
    f'Signature keyId="k",algorithm="rsa-sha256",headers="date",signature="{SIG}"',
    f'keyId="k", algorithm="rsa-sha256", headers="date", signature="{SIG}"',
    f'algorithm="rsa-sha256",keyId="k",headers="date",signature="{SIG}"',
    f'keyId="k",algorithm="rsa-sha256",headers="Date HOST",signature="{SIG}"',
    f'keyId="k",algorithm="",headers="date",signature="{SIG}"',
    f'keyId="",algorithm="rsa-sha256",headers="date",signature="{SIG}"',
    'keyId="k",algorithm="rsa-sha256",headers="date",signature=""',
    f'keyId="k",algorithm="rsa-sha256",headers="",signature="{SIG}"',
    f'keyId="k",algorithm="rsa-sha256",headers="   ",signature="{SIG}"',
    f'keyId="k",algorithm="rsa-sha256",headers="date",signature="{SIG[:-2]}"',
    f'keyId="k",algorithm="rsa-sha256",headers="date",signature="{SIG} "',
    f'keyId="k",algorithm="rsa-sha256",headers="date",signature="{SIG}",',
    f'keyId="k",algorithm="rsa-sha256",headers="date",signature="{SIG}",x',
    f'keyId="k",keyId="k",headers="date",signature="{SIG}"',
    f'keyId="k",algorithm="rsa-sha256",created=1.5,headers="date",signature="{SIG}"',
    f'keyId="k",algorithm="rsa-sha256",created="12",headers="date",signature="{SIG}"',
    f'keyId="k",algorithm="rsa-sha256",created=012,headers="date",signature="{SIG}"',
    f'keyId="k",algorithm=rsa-sha256,headers="date",signature="{SIG}"',
    f'keyId="k",algorithm="rsa-sha256",headers="date",signature="{SIG}"extra',
    f'keyId="a\\"b",algorithm="rsa-sha256",headers="date",signature="{SIG}"',
    f'keyId="k",algorithm="rsa-sha256",headers="date",signature="{SIG.replace("A", "é", 1)}"',
    "",
    "Signature ",
    "garbage",
]


@pytest.mark.parametrize("header", TRICKY_HEADERS)
def test_cavage_fast_parse_agrees_with_the_scanner(header: str) -> None:
    assert outcome(cavage.parse_signature_fields, header) == outcome(reference_parse, header)


def test_cavage_fast_parse_agrees_on_every_vector() -> None:
    headers = [c.get("signature_header") for c in CAVAGE.get("cases", [])]
    headers += [c.get("signature_header_as_printed") for c in CAVAGE.get("cases", [])]
    checked = 0
    for header in filter(None, headers):
        assert outcome(cavage.parse_signature_fields, header) == outcome(reference_parse, header)
        checked += 1
    assert checked


# --- digests -------------------------------------------------------------------------------------

BODY = b'{"type": "Create"}'
B256 = base64.b64encode(hashlib.sha256(BODY).digest()).decode()
B512 = base64.b64encode(hashlib.sha512(BODY).digest()).decode()
OTHER = base64.b64encode(hashlib.sha256(b"other").digest()).decode()

DIGESTS = [
    f"SHA-256={B256}",
    f"sha-256={B256}",
    f"Sha-256={B256}",
    f"SHA-256={OTHER}",
    f"SHA-256={B256.rstrip('=')}",
    f"SHA-256= {B256}",
    f"SHA-256={B256} ",
    f"SHA-256={B256},SHA-512={B512}",
    f"SHA-256={B256},SHA-512={OTHER}",
    f"SHA-512={B512}",
    f"MD5={B256}",
    "SHA-256=",
    "SHA-256=é",
    "",
]


@pytest.mark.parametrize("value", DIGESTS)
def test_digest_fast_path_agrees_with_the_parser(value: str) -> None:
    def slow(v: str, body: bytes) -> None:
        digest._check(digest.parse_digest_header(v), body)

    assert outcome(digest.check_digest_header, value, BODY) == outcome(slow, value, BODY)


CONTENT_DIGESTS = [
    f"sha-256=:{B256}:",
    f"sha-512=:{B512}:",
    f"sha-256=:{OTHER}:",
    f"SHA-256=:{B256}:",
    f"sha-256=:{B256}:, sha-512=:{B512}:",
    f"sha-256=:{B256}:, sha-512=:{OTHER}:",
    f"sha-256=:{B256.rstrip('=')}:",
    f"sha-256={B256}",
    f"sha-256=:{B256}:;p=1",
    f"md5=:{B256}:",
    "sha-256=::",
    "sha-256=:é:",
    "",
]


@pytest.mark.parametrize("value", CONTENT_DIGESTS)
def test_content_digest_fast_path_agrees_with_the_parser(value: str) -> None:
    def slow(v: str, body: bytes) -> None:
        digest._check(digest.parse_content_digest(v), body)

    assert outcome(digest.check_content_digest, value, BODY) == outcome(slow, value, BODY)


# --- RFC 9421 Signature-Input --------------------------------------------------------------


def both(raw_input: str, raw_sig: str) -> tuple[Any, Any]:
    headers = Headers([("Signature-Input", raw_input), ("Signature", raw_sig)])
    return (
        outcome(rfc9421.parse_signatures, headers),
        outcome(rfc9421._parse_signatures_general, raw_input, raw_sig),
    )


@pytest.mark.parametrize("case", RFC9421["cases"], ids=[c["id"] for c in RFC9421["cases"]])
def test_lean_signature_input_parser_matches_http_sf_on_vectors(case: dict[str, Any]) -> None:
    fast, slow = both(case["signature_input_header"], case["signature_header"])
    assert fast == slow
    assert fast[0] == "ok"


S = base64.b64encode(b"\x02" * 64).decode()
TRICKY_INPUTS = [
    '("@method" "@target-uri" "@authority" "content-digest");created=1618884473;keyid="k"'
    ';alg="rsa-v1_5-sha256"',
    '();created=1618884473;keyid="k"',
    '("@method");created=1618884473;keyid="k";expires=1618884480;nonce="n";tag="t"',
    '("@method");created=0;keyid="k"',
    '("@method");created=-5;keyid="k"',
    '("@method");created=-0;keyid="k"',
    '("@method");created=01;keyid="k"',
    '("@method");created=1234567890123456;keyid="k"',
    '("@method");created=1.5;keyid="k"',
    '("@method");created="1";keyid="k"',
    '("@method");created=1;keyid="k";alg=rsa',
    '("@method");created=1;keyid="k";flag',
    '("@method");created=1;keyid="k";flag=?1',
    '("@method");created=1;keyid="k";flag=?0',
    '("@method");created=1;created=2;keyid="k"',
    '("@method");created=1;keyid="a\\"b"',
    '("@method");created=1;keyid="a\\\\b"',
    '("@method";req);created=1;keyid="k"',
    '("@query-param";name="x");created=1;keyid="k"',
    '( "@method");created=1;keyid="k"',
    '("@method" );created=1;keyid="k"',
    '("@method"  "host");created=1;keyid="k"',
    '("@method"); created=1;keyid="k"',
    '("@method");Created=1;keyid="k"',
    '("@METHOD");created=1;keyid="k"',
    '("@method");created=1;keyid="é"',
    '("@method");created=1;keyid="k\x7f"',
    '("@method" host);created=1;keyid="k"',
    '"@method";created=1;keyid="k"',
    '("@method");created=1;keyid="k";',
    '("@method");created=1;keyid="k"x',
    '("@method");created=1;keyid="k";b=:YQ==:',
]


@pytest.mark.parametrize("member", TRICKY_INPUTS)
def test_lean_signature_input_parser_agrees_on_tricky_members(member: str) -> None:
    assert both(f"sig1={member}", f"sig1=:{S}:")[0] == both(f"sig1={member}", f"sig1=:{S}:")[1]


TRICKY_DICTIONARIES = [
    (
        'sig1=("@method");created=1;keyid="a", sig2=("host");created=2;keyid="b"',
        f"sig1=:{S}:, sig2=:{S}:",
    ),
    (
        'sig1=("@method");created=1;keyid="a",sig2=("host");created=2;keyid="b"',
        f"sig2=:{S}:,sig1=:{S}:",
    ),
    (
        'sig1=("@method");created=1;keyid="a" \t,\t sig2=("host");keyid="b"',
        f"sig1=:{S}:, sig2=:{S}:",
    ),
    ('sig1=("@method");created=1;keyid="a", sig1=("host");created=2;keyid="b"', f"sig1=:{S}:"),
    ('sig1=("@method");created=1;keyid="a",', f"sig1=:{S}:"),
    ('sig1=("@method");created=1;keyid="a", ', f"sig1=:{S}:"),
    ('sig1=("@method");created=1;keyid="a",,sig2=()', f"sig1=:{S}:"),
    ('sig1=("@method");created=1;keyid="a"', f"sig2=:{S}:"),
    ('sig1=("@method");created=1;keyid="a"', "sig1=(1)"),
    ('sig1=("@method");created=1;keyid="a"', f"sig1=:{S[:-1]}:"),
    ('sig1=("@method");created=1;keyid="a"', f"sig1=:{S}:;p=1"),
    ('sig1=("@method");created=1;keyid="a"', "sig1=:not base64!:"),
    ('Sig1=("@method");created=1;keyid="a"', f"Sig1=:{S}:"),
    ("sig1", f"sig1=:{S}:"),
    ("sig1=?1", f"sig1=:{S}:"),
    ("sig1=tok", f"sig1=:{S}:"),
    ("", f"sig1=:{S}:"),
]


@pytest.mark.parametrize(("raw_input", "raw_sig"), TRICKY_DICTIONARIES)
def test_lean_parser_agrees_on_tricky_dictionaries(raw_input: str, raw_sig: str) -> None:
    fast, slow = both(raw_input, raw_sig)
    assert fast == slow


def test_lean_members_serialize_exactly_as_http_sf() -> None:
    for member in TRICKY_INPUTS + [c["signature_input_header"] for c in RFC9421["cases"]]:
        text = member if "=" in member.split("(")[0] else f"sig1={member}"
        lean = rfc9421.parse_signature_input_lean(text)
        if lean is None:
            continue
        for label, _, _, serialized in lean:
            general = rfc9421._parse_signatures_general(text, f"{label}=:{S}:")
            assert [g.input_member for g in general if g.label == label] == [serialized]


# --- direct cryptography verification -------------------------------------------------------


def test_direct_verification_refuses_the_wrong_key_type_like_the_package(
    rsa_key: rsa.RSAPrivateKey, ed_key: Any
) -> None:
    case = next(c for c in RFC9421["cases"] if c["alg"] == "ed25519")
    m = RFC9421["messages"][case["message"]]
    from federation.http import HttpRequest

    request = HttpRequest.from_url(
        m["method"], m["target_uri"], [tuple(h) for h in m["headers"]], m["body"].encode()
    )
    headers = Headers(
        [
            ("Signature-Input", case["signature_input_header"]),
            ("Signature", case["signature_header"]),
        ]
    )
    sig = next(s for s in rfc9421.parse_signatures(headers) if s.label == case["label"])
    good = load_public_key_pem(RFC9421["keys"][case["keyid"]]["public_pem"])
    assert rfc9421.verify_one(request, sig, good, "ed25519")
    for alg in ("rsa-v1_5-sha256", "rsa-pss-sha512"):
        assert not rfc9421.verify_one(request, sig, ed_key.public_key(), alg)
    assert not rfc9421.verify_one(request, sig, rsa_key.public_key(), "ed25519")
    assert not rfc9421.verify_one(request, sig, good, "ecdsa-p256-sha256")
