"""Nodes behind nginx with TLS, as in production: two ``entraide serve`` processes, each behind
the project's ``deploy/nginx-entraide.conf``, with certificates of a local authority (trustme).
They federate over https with certificate verification; loopback is allowed, private ranges are
not (``federation_allow_loopback``, not ``federation_allow_private``). A node that does not
trust the authority cannot reach its partner at all."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme

from bench.procs import free_port
from tests.factories import new_member
from tests.fedprocs import ROOT, NodeProcess, eventually

pytestmark = pytest.mark.slow
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PARTNERSHIPS = "/api/v1/admin/partnerships"


def _server_block(listen: int, upstream: int, cert: Path, key: Path) -> str:
    """The deploy recipe with this test's port, name, certificate and upstream."""
    block = (ROOT / "deploy" / "nginx-entraide.conf").read_text()
    replacements = {
        "listen 443 ssl http2;": f"listen 127.0.0.1:{listen} ssl http2;",
        "server_name entraide.example.org;": "server_name localhost;",
        "/etc/letsencrypt/live/entraide.example.org/fullchain.pem": str(cert),
        "/etc/letsencrypt/live/entraide.example.org/privkey.pem": str(key),
        "http://127.0.0.1:8000": f"http://127.0.0.1:{upstream}",
    }
    for old, new in replacements.items():
        assert old in block, f"deploy/nginx-entraide.conf no longer has {old!r}"
        block = block.replace(old, new)
    return block


@contextmanager
def nginx(root: Path, blocks: list[str], ports: list[int]) -> Iterator[None]:
    root.mkdir(parents=True, exist_ok=True)
    conf = root / "nginx.conf"
    conf.write_text(
        "user root;\ndaemon off;\nworker_processes 1;\n"
        f"pid {root}/nginx.pid;\nerror_log {root}/error.log warn;\n"
        "events { worker_connections 256; }\n"
        "http {\n"
        f"  access_log off;\n  client_body_temp_path {root}/body;\n"
        f"  proxy_temp_path {root}/proxy;\n" + "\n".join(blocks) + "\n}\n"
    )
    check = subprocess.run(
        [NGINX, "-t", "-p", str(root), "-c", str(conf)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-p", str(root), "-c", str(conf)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 20
        for port in ports:
            while True:
                with socket.socket() as probe:
                    if probe.connect_ex(("127.0.0.1", port)) == 0:
                        break
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, f"nginx does not listen on {port}"
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _admin(node: NodeProcess, pseudonym: str) -> dict[str, str]:
    async with node.state():
        _, headers = await new_member(pseudonym=pseudonym, admin=True)
    return headers


def _tls_env(public_port: int, ca_file: Path | None) -> dict[str, str]:
    env = {
        "ENTRAIDE_BASE_URL": f"https://localhost:{public_port}",
        "ENTRAIDE_FEDERATION_ALLOW_PRIVATE": "false",
        "ENTRAIDE_FEDERATION_ALLOW_LOOPBACK": "true",
        "ENTRAIDE_TRUSTED_PROXIES": "127.0.0.1",
    }
    if ca_file is not None:
        env["ENTRAIDE_FEDERATION_CA_FILE"] = str(ca_file)
    return env


async def test_two_nodes_federate_over_verified_https(tmp_path: Path) -> None:
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    cert = ca.issue_cert("localhost", "127.0.0.1")
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    paris_port, lyon_port, lille_port = free_port(), free_port(), free_port()

    with (
        NodeProcess.start(tmp_path, "paris", extra=_tls_env(paris_port, ca_file)) as paris,
        NodeProcess.start(tmp_path, "lyon", extra=_tls_env(lyon_port, ca_file)) as lyon,
        NodeProcess.start(tmp_path, "lille", extra=_tls_env(lille_port, None)) as lille,
        nginx(
            tmp_path / "nginx",
            [
                _server_block(paris_port, paris.port, cert_file, key_file),
                _server_block(lyon_port, lyon.port, cert_file, key_file),
                _server_block(lille_port, lille.port, cert_file, key_file),
            ],
            [paris_port, lyon_port, lille_port],
        ),
    ):
        trust = ssl.create_default_context(cafile=str(ca_file))
        async with httpx.AsyncClient(verify=trust, timeout=20) as client:

            async def api(
                port: int, method: str, path: str, headers: dict[str, str], **kw: Any
            ) -> httpx.Response:
                return await client.request(
                    method, f"https://localhost:{port}{path}", headers=headers, **kw
                )

            actor = await api(lyon_port, "GET", "/actor", {"Accept": "application/activity+json"})
            assert actor.status_code == 200
            assert actor.json()["id"] == f"https://localhost:{lyon_port}/actor"

            paris_admin = await _admin(paris, "Admin Paris")
            lyon_admin = await _admin(lyon, "Admin Lyon")
            lille_admin = await _admin(lille, "Admin Lille")
            body = {
                "target": f"localhost:{lyon_port}",
                "scopes": ["public_needs"],
                "message": "Bonjour",
            }
            asked = await api(paris_port, "POST", PARTNERSHIPS, paris_admin, json=body)
            assert asked.status_code == 201, asked.text

            async def pending() -> dict[str, Any] | None:
                rows = (await api(lyon_port, "GET", PARTNERSHIPS, lyon_admin)).json()["items"]
                return next((p for p in rows if p["status"] == "pending"), None)

            incoming = await eventually(pending)
            # localhost and 127.0.0.1 are one origin (federation.origin normalises loopback).
            assert incoming["remote_domain"].endswith(f":{paris_port}")
            accepted = await api(
                lyon_port, "POST", f"{PARTNERSHIPS}/{incoming['id']}/accept", lyon_admin
            )
            assert accepted.status_code == 200, accepted.text

            async def accepted_on_paris() -> bool:
                rows = (await api(paris_port, "GET", PARTNERSHIPS, paris_admin)).json()["items"]
                return any(p["status"] == "accepted" for p in rows)

            await eventually(accepted_on_paris)

            # Lille does not trust the authority: the certificate check refuses Lyon.
            body["target"] = f"localhost:{lyon_port}"
            refused = await api(lille_port, "POST", PARTNERSHIPS, lille_admin, json=body)
            assert refused.status_code == 502, refused.text
            assert "certificate" in refused.text.lower() or "ssl" in refused.text.lower()
