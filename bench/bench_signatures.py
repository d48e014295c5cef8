"""Verifications per second of a signed 2 KB POST, against bare ``cryptography`` verification of
the same bytes in the same run (goal: library ≥ 80 % of bare).

    .venv/bin/python bench/bench_signatures.py [seconds-per-measure]
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from federation.client import SigningAuth
from federation.http import HttpRequest
from federation.keys import PublicKeyInfo, generate_rsa_key
from federation.signatures import cavage, rfc9421
from federation.signatures.verify import verify_request

NOW = dt.datetime(2025, 3, 1, 12, tzinfo=dt.UTC)
KEY = generate_rsa_key()
KEY_ID = "https://remote.example/users/alice#main-key"
INFO = PublicKeyInfo(KEY_ID, "https://remote.example/users/alice", KEY.public_key())
BODY = json.dumps(
    {
        "type": "Create",
        "actor": "https://remote.example/users/alice",
        "object": {"type": "Note", "content": "x" * 1900},
    }
).encode()
assert 1900 < len(BODY) < 2100


async def resolve(key_id: str, refresh: bool) -> PublicKeyInfo:
    return INFO


def signed(rfc: bool) -> HttpRequest:
    request = httpx.Request(
        "POST",
        "https://node.example/inbox",
        content=BODY,
        headers={"Content-Type": "application/activity+json"},
    )
    hosts = ("node.example",) if rfc else ()
    SigningAuth(KEY_ID, KEY, rfc9421_hosts=hosts, clock=lambda: NOW).sign(request)
    return HttpRequest.from_httpx(request)


def rate(fn: Callable[[], object], seconds: float, per_round: int = 100) -> float:
    """Calls of ``fn`` per second, measured for about ``seconds``."""
    n, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        for _ in range(per_round):
            fn()
        n += per_round
    return n / elapsed


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 2.0
    loop = asyncio.new_event_loop()
    results = {}
    for name, rfc in (("cavage rsa-sha256", False), ("RFC 9421 rsa-v1_5-sha256", True)):
        request = signed(rfc)
        # The same bytes the library verifies, checked with bare cryptography.
        if rfc:
            sig = rfc9421.parse_signatures(request.headers)[0]
            data, raw = rfc9421.signature_base(request, sig.input_member).encode(), sig.signature
        else:
            sig_c = cavage.parse_signature_header(request.headers["signature"])
            data = cavage.signing_string(request, sig_c.headers).encode()
            raw = sig_c.signature
        pub = KEY.public_key()

        def bare(data: bytes = data, raw: bytes = raw, pub: rsa.RSAPublicKey = pub) -> None:
            pub.verify(raw, data, padding.PKCS1v15(), hashes.SHA256())

        async def lib_batch(request: HttpRequest = request) -> None:
            # The full inbound check: parse, policy, date, digest of the body, key, signature.
            for _ in range(100):
                await verify_request(request, resolve, now=NOW)

        loop.run_until_complete(lib_batch())  # warm up; raises if it does not verify
        bare_rate = rate(bare, seconds)
        # Each call is a batch of 100 verifications.
        lib_rate = rate(lambda b=lib_batch: loop.run_until_complete(b()), seconds, 1) * 100
        results[name] = (lib_rate, bare_rate)
    print(f"body {len(BODY)} bytes, RSA-2048, {seconds:.1f} s per measure")
    for name, (lib_rate, bare_rate) in results.items():
        print(
            f"{name:26s} library {lib_rate:9.0f}/s  bare cryptography {bare_rate:9.0f}/s  "
            f"ratio {lib_rate / bare_rate:6.1%}"
        )


if __name__ == "__main__":
    main()
