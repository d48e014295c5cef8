"""Typed errors of the federation library.

Every verification failure names a machine-readable ``reason`` and the HTTP ``status`` an inbox
should answer with, so the node can turn it into a response without a table of its own
(DESIGN §4: "reject everything else with 401 and a reason").
"""

from __future__ import annotations


class FederationError(Exception):
    """Base class of every error raised by ``federation``."""


class KeyFormatError(FederationError, ValueError):
    """A key could not be loaded or has an unsupported type."""


class DigestError(FederationError):
    """A body digest header is malformed or does not match (see ``digest.py``)."""


class VerificationError(FederationError):
    """An inbound request failed signature verification.

    ``reason`` is a stable token (log it, count it, test it); ``status`` is the HTTP status code.
    """

    reason: str = "invalid"
    status: int = 401

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(f"{self.reason}: {detail}" if detail else self.reason)


class SignatureMissing(VerificationError):
    reason = "no_signature"


class SignatureMalformed(VerificationError):
    reason = "malformed_signature"
    status = 400


class UnknownAlgorithm(VerificationError):
    reason = "unknown_algorithm"


class DateOutOfWindow(VerificationError):
    """``Date`` or ``created`` is more than the allowed skew away from now."""

    reason = "date_out_of_window"


class SignatureExpired(VerificationError):
    reason = "signature_expired"


class DateNotSigned(VerificationError):
    """Neither ``date`` nor ``(created)``/``created`` is covered: replay would be unbounded."""

    reason = "date_not_signed"


class TargetNotSigned(VerificationError):
    """The request target is not covered: the signature could be replayed on another path."""

    reason = "target_not_signed"


class DigestMissing(VerificationError):
    reason = "digest_missing"


class DigestMismatch(VerificationError):
    reason = "digest_mismatch"


class DigestNotSigned(VerificationError):
    reason = "digest_not_signed"


class HostNotSigned(VerificationError):
    reason = "host_not_signed"


class UnknownKey(VerificationError):
    reason = "unknown_key"


class BadSignature(VerificationError):
    reason = "bad_signature"


class FetchError(FederationError):
    """An outbound request could not be made or its answer was unusable."""


class SSRFBlocked(FetchError):
    """The destination resolves to an address the client refuses to contact."""


class ResponseTooLarge(FetchError):
    """The response body exceeded the client's size cap."""


class TooManyRedirects(FetchError):
    """More redirects than the client allows."""


class ParseError(FederationError, ValueError):
    """An ActivityStreams, WebFinger or NodeInfo document is unusable."""


class KeyUnavailable(VerificationError):
    """The signing key could not be dereferenced: unreachable, not JSON, no such key, an owner on
    another origin, or an owner that does not publish the key (the request is refused, 401)."""

    reason = "key_unavailable"
