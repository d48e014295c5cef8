"""HTTP signatures: draft-cavage-12 (``cavage``), RFC 9421 (``rfc9421``) and inbound
verification policy (``verify``)."""

from federation.signatures.verify import ResolveKey, VerifiedRequest, verify_request

__all__ = ["ResolveKey", "VerifiedRequest", "verify_request"]
