"""The node's public URL when ``entraide serve`` starts: configured, or derived from where it
listens.

``base_url`` is the node's fediverse identity: its actor ids, key ids, NodeInfo, WebFinger and the
links in mails are built from it. A node started with ``--port 18300`` that still called itself
``http://127.0.0.1:8000`` would sign as another node. So when no ``base_url`` is configured the
server derives it from ``--host``/``--port``; when one is configured and names another origin
(a reverse proxy in front, usually), the banner says so, so that a mistake shows at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import ip_address

from federation.origin import same_origin

# Listening on every address: the node is reached on loopback from this machine.
_ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}


def listening_url(host: str, port: int) -> str:
    """``http://host:port`` of the server's socket, as a browser on this machine reaches it."""
    host = _ANY_ADDRESS.get(host, host)
    try:
        if ip_address(host).version == 6:
            host = f"[{host}]"
    except ValueError:  # a host name
        pass
    return f"http://{host}:{port}"


@dataclass(frozen=True)
class PublicUrl:
    base_url: str
    derived: bool  # not configured: taken from --host/--port
    listening: str

    def banner(self) -> str:
        """One line for the start-up banner."""
        if self.derived:
            return (
                f"Public URL: {self.base_url} (from --host/--port; set ENTRAIDE_BASE_URL to the "
                "address other nodes and members use)"
            )
        if same_origin(self.base_url, self.listening):
            return f"Public URL: {self.base_url} (ENTRAIDE_BASE_URL)"
        return (
            f"Public URL: {self.base_url} (ENTRAIDE_BASE_URL), not where this server listens "
            f"({self.listening}): links, mails and federation use {self.base_url}; a proxy there "
            "must forward to this server"
        )


def public_url(configured: str | None, host: str, port: int) -> PublicUrl:
    """The URL the node names itself by; ``configured`` is None when no setting gives one."""
    listening = listening_url(host, port)
    if configured is None:
        return PublicUrl(base_url=listening, derived=True, listening=listening)
    return PublicUrl(base_url=configured, derived=False, listening=listening)
