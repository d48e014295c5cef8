"""A fake fediverse for tests: remote servers on ``httpx.MockTransport`` that sign for real.

Like GoToSocial's test rig, the remote side is fake but the cryptography is not: remote actors
have real RSA keys, serve WebFinger and actor documents, sign what they send with the library's
client, and verify what they receive with the library's ``verify_request``. Deliveries that
verify are captured in :attr:`FakeFediverse.deliveries`; the others are answered 401 and kept in
:attr:`FakeFediverse.rejections`.

Typical node test::

    fedi = FakeFediverse(local={"node.test": httpx.ASGITransport(app=app)})
    alice = fedi.add_actor("remote.test", "alice")
    client = fedi.client(auth=node_signing_auth)          # the node's outgoing client
    await alice.post(fedi, "https://node.test/inbox", follow_activity)   # inbound, signed
    assert fedi.deliveries_to(alice.inbox)                 # outbound, verified
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from federation import build, nodeinfo, webfinger
from federation.client import AP_MEDIA_TYPE, SigningAuth, create_client, deliver
from federation.errors import ParseError, VerificationError
from federation.http import HttpRequest
from federation.keys import PublicKeyInfo, generate_rsa_key, key_from_actor, main_key_id
from federation.signatures.verify import VerifiedRequest, verify_request

PUBLIC_TEST_ADDRESS = "93.184.215.14"  # a global address; fake hosts "resolve" to it


async def fake_resolver(host: str, port: int) -> list[str]:
    """Resolves every name to a public address so the SSRF guard lets fake hosts through."""
    return [PUBLIC_TEST_ADDRESS]


@dataclass
class FakeActor:
    """A remote actor with a real key pair."""

    host: str
    username: str
    type: str = "Person"
    key: rsa.RSAPrivateKey = field(default_factory=generate_rsa_key)
    software: str = "mastodon"  # or "gotosocial": key at /main-key, minimal key document, hs2019

    @property
    def id(self) -> str:
        return f"https://{self.host}/users/{self.username}"

    @property
    def key_id(self) -> str:
        if self.software == "gotosocial":
            return f"{self.id}/main-key"  # GoToSocial's PublicKeyURI
        return main_key_id(self.id)

    @property
    def inbox(self) -> str:
        return f"{self.id}/inbox"

    @property
    def shared_inbox(self) -> str:
        return f"https://{self.host}/inbox"

    @property
    def acct(self) -> str:
        return f"{self.username}@{self.host}"

    def document(self) -> dict[str, Any]:
        document = build.actor(
            id=self.id,
            type=self.type,
            preferred_username=self.username,
            name=self.username.title(),
            inbox=self.inbox,
            outbox=f"{self.id}/outbox",
            followers=f"{self.id}/followers",
            following=f"{self.id}/following",
            shared_inbox=self.shared_inbox,
            key=self.key,
        )
        document["publicKey"]["id"] = self.key_id
        return document

    def minimal_document(self) -> dict[str, Any]:
        """What GoToSocial serves at the key id, unsigned (``AccountToASMinimal``): no inbox."""
        full = self.document()
        keep = ("@context", "id", "type", "preferredUsername", "publicKey")
        return {name: full[name] for name in keep}

    def auth(self) -> SigningAuth:
        algorithm = "hs2019" if self.software == "gotosocial" else None
        return SigningAuth(self.key_id, self.key, algorithm=algorithm)

    def new_id(self) -> str:
        return f"https://{self.host}/activities/{uuid.uuid4()}"

    async def post(
        self, fedi: FakeFediverse, inbox: str, activity: Mapping[str, Any]
    ) -> httpx.Response:
        """Deliver ``activity`` to ``inbox`` (usually the node under test), signed by this actor."""
        async with fedi.client(auth=self.auth()) as client:
            return await deliver(client, inbox, dict(activity))

    async def get(self, fedi: FakeFediverse, url: str) -> httpx.Response:
        """Signed GET as this actor (authorized fetch)."""
        async with fedi.client(auth=self.auth()) as client:
            return await client.get(url, headers={"Accept": AP_MEDIA_TYPE})


@dataclass
class Delivery:
    """An inbound POST to a fake inbox whose signature verified."""

    inbox: str
    activity: dict[str, Any]
    verified: VerifiedRequest
    request: httpx.Request


class FakeFediverse:
    """Fake remote servers on one ``httpx.MockTransport``.

    ``local`` maps host names of the application under test to a transport (for example
    ``httpx.ASGITransport(app=...)``); requests to those hosts are forwarded there, everything
    else is answered by the fake servers. ``inbox_status`` lets a test make an inbox answer
    e.g. 503 or 410 to exercise the retry policy. ``now`` pins the verification clock.
    """

    def __init__(
        self,
        *,
        local: Mapping[str, httpx.AsyncBaseTransport] | None = None,
        now: dt.datetime | None = None,
        authorized_fetch: bool = False,
    ) -> None:
        self.local = dict(local or {})
        self.now = now
        self.authorized_fetch = authorized_fetch
        self.actors: dict[str, FakeActor] = {}
        self.deliveries: list[Delivery] = []
        self.rejections: list[tuple[str, VerificationError]] = []
        self.inbox_status: dict[str, int] = {}
        self.requests: list[httpx.Request] = []
        self.transport = httpx.MockTransport(self._handle)

    # --- setup ---------------------------------------------------------------------------------
    def add_actor(
        self, host: str, username: str, type: str = "Person", *, software: str = "mastodon"
    ) -> FakeActor:
        actor = FakeActor(host, username, type, software=software)
        self.actors[actor.id] = actor
        return actor

    def client(self, auth: SigningAuth | None = None, **kw: Any) -> httpx.AsyncClient:
        """A library client whose traffic goes to the fake fediverse (and ``local`` hosts)."""
        kw.setdefault("resolver", fake_resolver)
        return create_client(auth=auth, transport=self.transport, **kw)

    def deliveries_to(self, inbox: str) -> list[dict[str, Any]]:
        return [d.activity for d in self.deliveries if d.inbox == inbox]

    # --- keys ----------------------------------------------------------------------------------
    async def resolve_key(self, key_id: str, refresh: bool) -> PublicKeyInfo | None:
        """Fake actors' keys directly; the local application's keys by GET on its transport."""
        for actor in self.actors.values():
            if actor.key_id == key_id:
                return PublicKeyInfo(key_id, actor.id, actor.key.public_key())
        host = urlsplit(key_id).hostname or ""
        if host not in self.local:
            return None
        async with httpx.AsyncClient(transport=self.local[host]) as client:
            response = await client.get(key_id.partition("#")[0], headers={"Accept": AP_MEDIA_TYPE})
        if response.status_code != 200:
            return None
        return key_from_actor(response.json(), key_id)

    # --- the fake servers ----------------------------------------------------------------------
    async def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        host = request.url.host
        if host in self.local:
            return await self.local[host].handle_async_request(request)
        path = request.url.path
        if path == "/.well-known/webfinger":
            return self._webfinger(request)
        if path == "/.well-known/nodeinfo":
            return httpx.Response(200, json=nodeinfo.well_known(f"https://{host}"))
        if path == nodeinfo.NODEINFO_PATH:
            users = sum(1 for a in self.actors.values() if a.host == host)
            return httpx.Response(
                200,
                json=nodeinfo.document(
                    open_registrations=False,
                    users_total=users,
                    users_active_month=users,
                    users_active_halfyear=users,
                    local_posts=0,
                    version="fake",
                ),
            )
        if request.method == "POST":
            return await self._inbox(request)
        if request.method == "GET":
            return await self._actor(request)
        return httpx.Response(405)

    def _webfinger(self, request: httpx.Request) -> httpx.Response:
        resource = parse_qs(request.url.query.decode()).get("resource", [""])[0]
        try:
            user, host = webfinger.parse_acct(resource)
        except ParseError:
            return httpx.Response(400)
        for actor in self.actors.values():
            if actor.username == user and actor.host == host:
                return httpx.Response(
                    200,
                    json=webfinger.jrd(f"acct:{actor.acct}", actor.id),
                    headers={"Content-Type": webfinger.JRD_MEDIA_TYPE},
                )
        return httpx.Response(404)

    async def _actor(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url.copy_with(query=None, fragment=None))
        actor = self.actors.get(url)
        owner = self.actors.get(url.removesuffix("/main-key"))
        if actor is None and owner is not None and owner.software == "gotosocial":
            # GoToSocial answers its key URI without asking for a signature, minimal.
            return httpx.Response(
                200, json=owner.minimal_document(), headers={"Content-Type": AP_MEDIA_TYPE}
            )
        if actor is None:
            return httpx.Response(404)
        if self.authorized_fetch or actor.software == "gotosocial":
            try:
                await verify_request(
                    HttpRequest.from_httpx(request), self.resolve_key, now=self.now
                )
            except VerificationError as exc:
                self.rejections.append((url, exc))
                return httpx.Response(exc.status, json={"error": exc.reason})
        return httpx.Response(200, json=actor.document(), headers={"Content-Type": AP_MEDIA_TYPE})

    async def _inbox(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        inboxes = {a.inbox for a in self.actors.values()} | {
            a.shared_inbox for a in self.actors.values()
        }
        if url not in inboxes:
            return httpx.Response(404)
        try:
            verified = await verify_request(
                HttpRequest.from_httpx(request), self.resolve_key, now=self.now
            )
        except VerificationError as exc:
            self.rejections.append((url, exc))
            return httpx.Response(exc.status, json={"error": exc.reason})
        try:
            activity = json.loads(request.content)
        except ValueError:
            return httpx.Response(400)
        if activity.get("actor") != verified.owner:
            # DESIGN §4: the activity's actor must own the key that signed it.
            return httpx.Response(401, json={"error": "actor_mismatch"})
        self.deliveries.append(Delivery(url, activity, verified, request))
        return httpx.Response(self.inbox_status.get(url, 202))
