"""``entraide serve --port P`` names itself by where it listens unless ENTRAIDE_BASE_URL says
otherwise, and says which in its banner: a second node on the same machine must not federate
under the first one's identity."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from bench.procs import free_port
from node.public_url import listening_url, public_url
from tests.fedprocs import ENTRAIDE, ROOT
from tests.migrated import seed_data_dir

pytestmark = [pytest.mark.slow]


@contextmanager
def _serve(data_dir: Path, port: int, extra: dict[str, str]) -> Iterator[Path]:
    """``entraide serve`` on ``port`` with the environment of a newcomer (no base URL unless
    ``extra`` gives one); yields the file holding its banner."""
    seed_data_dir(data_dir)  # its first start migrates: already done (tests.migrated)
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("ENTRAIDE_") and key != "PROMETHEUS_MULTIPROC_DIR"
    }
    env |= {
        "ENTRAIDE_DATA_DIR": str(data_dir),
        "ENTRAIDE_CONFIG": str(data_dir / "absent.toml"),
        "ENTRAIDE_MAIL_BACKEND": f"file:{data_dir / 'mail.jsonl'}",
        "ENTRAIDE_SMS_BACKEND": f"file:{data_dir / 'sms.jsonl'}",
        "ENTRAIDE_WORKER_IN_PROCESS": "false",
        "ENTRAIDE_LOG_LEVEL": "warning",
        "PYTHONPATH": str(ROOT),
        **extra,
    }
    output = data_dir / "banner.txt"
    with output.open("w") as sink:
        process = subprocess.Popen(
            [ENTRAIDE, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=data_dir,
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code:
                        break
                except httpx.HTTPError:
                    pass
                assert process.poll() is None, output.read_text()
                assert time.monotonic() < deadline, output.read_text()
                time.sleep(0.2)
            yield output
        finally:
            process.terminate()
            process.wait(timeout=15)


def test_serve_without_base_url_names_itself_by_its_port(tmp_path: Path) -> None:
    port = free_port()
    here = f"http://127.0.0.1:{port}"
    with _serve(tmp_path, port, {}) as banner:
        actor = httpx.get(f"{here}/actor", headers={"accept": "application/activity+json"}).json()
        links = httpx.get(f"{here}/.well-known/nodeinfo").json()["links"]
        finger = httpx.get(
            f"{here}/.well-known/webfinger",
            params={"resource": f"acct:{actor['preferredUsername']}@127.0.0.1:{port}"},
        )
        signup = httpx.post(
            f"{here}/api/v1/members",
            json={
                "phone": "06 12 34 56 78",
                "email": "lea@example.org",
                "password": "un mot de passe",
                "accept_charter": True,
            },
        )
        posted = _readme_first_session(here, tmp_path)
        text = banner.read_text()
    assert posted["title"] == "Chaussures pointure 43"
    assert actor["id"] == f"{here}/actor"
    assert actor["publicKey"]["id"].startswith(f"{here}/actor")
    assert f"{here}/nodeinfo/2.1" in [link["href"] for link in links]
    assert all(link["href"].startswith(f"{here}/") for link in links)
    assert finger.status_code == 200, finger.text
    assert signup.status_code == 201, signup.text
    mail = json.loads((tmp_path / "mail.jsonl").read_text().splitlines()[-1])
    assert f"{here}/api/v1/members/verify-email?token=" in mail["body"]
    assert "8000" not in json.dumps(actor)
    assert f"Public URL: {here} (from --host/--port" in text


def _readme_first_session(node: str, data_dir: Path) -> dict[str, Any]:
    """The README's "first session with the API", after the sign-up, against ``node``."""
    sms = json.loads((data_dir / "sms.jsonl").read_text().splitlines()[-1])
    code = re.search(r"\b(\d{6})\b", sms["body"])
    assert code
    verified = httpx.post(
        f"{node}/api/v1/members/verify", json={"phone": "0612345678", "code": code.group(1)}
    )
    assert verified.status_code == 200, verified.text
    token = httpx.post(
        f"{node}/api/v1/auth/token", json={"phone": "0612345678", "password": "un mot de passe"}
    ).json()["access_token"]
    need = {"kind": "need", "category": "clothes", "title": "Chaussures pointure 43"}
    need |= {"description": "Pour cet hiver", "lat": 48.853, "lon": 2.35}
    created = httpx.post(
        f"{node}/api/v1/actions", json=need, headers={"authorization": f"Bearer {token}"}
    )
    assert created.status_code == 201, created.text
    near = httpx.get(f"{node}/api/v1/actions", params={"lat": 48.85, "lon": 2.35, "radius_km": 5})
    found: dict[str, Any] = near.json()["items"][0]
    return found


def test_serve_says_when_base_url_is_elsewhere(tmp_path: Path) -> None:
    port = free_port()
    extra = {"ENTRAIDE_BASE_URL": "https://entraide.example.org"}
    with _serve(tmp_path, port, extra) as banner:
        actor = httpx.get(
            f"http://127.0.0.1:{port}/actor", headers={"accept": "application/activity+json"}
        ).json()
        text = banner.read_text()
    assert actor["id"] == "https://entraide.example.org/actor"
    assert (
        "Public URL: https://entraide.example.org (ENTRAIDE_BASE_URL), not where this server "
        f"listens (http://127.0.0.1:{port})" in text
    )


def test_listening_url_of_any_address_and_ipv6() -> None:
    assert listening_url("0.0.0.0", 8080) == "http://127.0.0.1:8080"
    assert listening_url("::", 8080) == "http://[::1]:8080"
    assert listening_url("::1", 9000) == "http://[::1]:9000"
    assert listening_url("entraide.local", 80) == "http://entraide.local:80"
    same = public_url("http://127.0.0.1:8000", "127.0.0.1", 8000)
    assert same.banner() == "Public URL: http://127.0.0.1:8000 (ENTRAIDE_BASE_URL)"
    assert public_url("http://localhost:8000", "127.0.0.1", 8000).banner().endswith("BASE_URL)")
