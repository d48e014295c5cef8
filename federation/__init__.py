"""Entraide's federation library: keys, HTTP signatures, ActivityStreams, discovery, delivery
policy. It never imports the node, Quart or Tortoise (DESIGN §3); what it needs from an
application is passed in as a function.

The most used names are re-exported here; see ``docs/federation-library.md``.
"""

from federation.client import (
    SigningAuth,
    create_client,
    deliver,
    fetch_actor,
    fetch_json,
)
from federation.dereference import KeyFetcher, fetch_key_owner
from federation.errors import FederationError, VerificationError
from federation.http import Headers, HttpRequest
from federation.keys import PublicKeyInfo
from federation.signatures.verify import VerifiedRequest, verify_request
from federation.version import USER_AGENT, __version__

__all__ = [
    "USER_AGENT",
    "FederationError",
    "Headers",
    "HttpRequest",
    "KeyFetcher",
    "PublicKeyInfo",
    "SigningAuth",
    "VerificationError",
    "VerifiedRequest",
    "__version__",
    "create_client",
    "deliver",
    "fetch_actor",
    "fetch_json",
    "fetch_key_owner",
    "verify_request",
]
