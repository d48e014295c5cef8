"""Verifications per second of a signed 2 KB POST, against bare ``cryptography`` verification of
the same bytes in the same run (goal: library ≥ 80 % of bare).

    .venv/bin/python bench/bench_signatures.py [seconds-per-round] [rounds]

Method: both sides are warmed up, then measured in interleaved rounds (bare for half the
round's time, the library for the full time, bare again), so that a change of machine load
hits both; the ratio is computed per round and its median reported with the range.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from federation.client import SigningAuth
from federation.http import Headers, HttpRequest
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
BATCH = 100


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


def rate(fn: Callable[[], object], seconds: float, per_call: int) -> tuple[float, float]:
    """Operations per wall-clock second and per CPU second of this thread: ``fn`` performs
    ``per_call`` operations; run it for ``seconds``. On a shared machine the CPU figure is the
    steadier one (time spent preempted is not counted)."""
    n, start, cpu0 = 0, time.perf_counter(), time.thread_time()
    while (elapsed := time.perf_counter() - start) < seconds:
        fn()
        n += per_call
    return n / elapsed, n / max(time.thread_time() - cpu0, 1e-9)


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    loop = asyncio.new_event_loop()
    cases = {}
    for name, rfc in (("cavage rsa-sha256", False), ("RFC 9421 rsa-v1_5-sha256", True)):
        request = signed(rfc)
        # The same bytes the library verifies, checked with bare cryptography: the signature
        # base taken from the package's reference construction (RFC 9421) or the signing string
        # (cavage), an already-loaded key, padding and hash objects built once.
        if rfc:
            sig = rfc9421.parse_signatures(request.headers)[0]
            data, raw = rfc9421.signature_base(request, sig.input_member).encode(), sig.signature
        else:
            sig_c = cavage.parse_signature_header(request.headers["signature"])
            data = cavage.signing_string(request, sig_c.headers).encode()
            raw = sig_c.signature
        pub, pkcs1, sha256 = KEY.public_key(), padding.PKCS1v15(), hashes.SHA256()

        def bare(
            data: bytes = data,
            raw: bytes = raw,
            pub: rsa.RSAPublicKey = pub,
            pkcs1: padding.PKCS1v15 = pkcs1,
            sha256: hashes.SHA256 = sha256,
        ) -> None:
            for _ in range(BATCH):
                pub.verify(raw, data, pkcs1, sha256)

        # The library gets a request as an adapter would hand it over: a fresh HttpRequest and
        # Headers per verification (nothing parsed or indexed is carried over from the previous
        # call), and a resolver answering from a cache (no PEM parsing per call).
        items = request.headers.items()

        async def lib_batch(
            fields: list[tuple[str, str]] = items,
            method: str = request.method,
            target: str = request.target,
            body: bytes = request.body,
        ) -> None:
            # The full inbound check: parse, policy, date, digest of the body, key, signature.
            for _ in range(BATCH):
                fresh = HttpRequest(method, target, Headers(fields), body, "https")
                await verify_request(fresh, resolve, now=NOW)

        cases[name] = (bare, lambda b=lib_batch: loop.run_until_complete(b()))
    for bare_fn, lib_fn in cases.values():  # warm up; raises if a request does not verify
        rate(bare_fn, 0.3, BATCH)
        rate(lib_fn, 0.3, BATCH)
    # Interleaved rounds, so that both sides see the same machine load; report medians.
    results: dict[str, list[tuple[float, float, float, float]]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, (bare_fn, lib_fn) in cases.items():
            bare1 = rate(bare_fn, seconds / 2, BATCH)
            lib = rate(lib_fn, seconds, BATCH)
            bare2 = rate(bare_fn, seconds / 2, BATCH)
            results[name].append(
                (lib[0], (bare1[0] + bare2[0]) / 2, lib[1], (bare1[1] + bare2[1]) / 2)
            )
    print(f"body {len(BODY)} bytes, RSA-2048, {rounds} interleaved rounds of {seconds:.1f} s")
    for name, rows in results.items():
        for label, li, bi in (("wall", 0, 1), ("cpu ", 2, 3)):
            ratios = sorted(row[li] / row[bi] for row in rows)
            lib_med = statistics.median(row[li] for row in rows)
            bare_med = statistics.median(row[bi] for row in rows)
            print(
                f"{name:25s} {label} library {lib_med:6.0f}/s ({1e6 / lib_med:5.1f} us)  "
                f"bare {bare_med:6.0f}/s ({1e6 / bare_med:5.1f} us)  "
                f"ratio {statistics.median(ratios):6.1%} ({ratios[0]:.1%}-{ratios[-1]:.1%})"
            )


if __name__ == "__main__":
    main()
