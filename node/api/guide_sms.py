"""API route: the inbound SMS webhook of the guide (``POST /api/v1/sms/inbound``).

An SMS gateway posts each message it receives on the node's number; the node answers through
its own SMS backend. The body is one of:

- the documented JSON ``{"from": "+33612345678", "text": "douche 75010"}``;
- Twilio's form-encoded webhook (``From``, ``Body``; answered with an empty TwiML
  ``<Response/>`` so that Twilio sends nothing itself);
- Vonage/Nexmo's inbound message, form-encoded or JSON (``msisdn``, ``text``).

The gateway proves itself with the shared secret ``guide_sms_secret``: ``Authorization:
Bearer <secret>``, HTTP Basic with the secret as password (the form Twilio supports, in the
webhook URL), an ``X-Sms-Secret`` header or a ``secret`` query parameter. It is compared in
constant time; missing is a 401, wrong a 403, and the webhook is a 404 while no secret is set.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import json
from typing import Any
from urllib.parse import parse_qs

from quart import Blueprint, Response, request

from node.errors import Forbidden, NotFound, PayloadTooLarge, Unauthorized, Unprocessable
from node.http_state import current_node
from node.services import guide_sms
from node.services.guide_places import nearby_open

blueprint = Blueprint("guide_sms", __name__, url_prefix="/api/v1")

MAX_BODY = 16 * 1024
_CHALLENGE = {"WWW-Authenticate": 'Basic realm="sms"'}
_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def _presented_secret() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if scheme.lower() == "basic" and value.strip():
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return ""
        return decoded.partition(":")[2]
    if request.headers.get("X-Sms-Secret"):
        return request.headers["X-Sms-Secret"]
    return request.args.get("secret") or None


def _check_secret() -> None:
    expected = current_node().settings.guide_sms_secret.get_secret_value()
    if not expected:
        raise NotFound("This node does not answer SMS.")
    presented = _presented_secret()
    if presented is None:
        raise Unauthorized("The gateway's shared secret is missing.", headers=_CHALLENGE)
    if not hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8")):
        raise Forbidden("The gateway's shared secret is wrong.")


def _fields(raw: bytes) -> dict[str, Any]:
    content_type = request.mimetype
    text = raw.decode("utf-8", errors="replace")
    if content_type == "application/json":
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            raise Unprocessable("The body is not JSON.") from None
        if not isinstance(document, dict):
            raise Unprocessable("A JSON object was expected.")
        return document
    if content_type in ("application/x-www-form-urlencoded", ""):
        return {key: values[0] for key, values in parse_qs(text, max_num_fields=100).items()}
    raise Unprocessable("Send JSON or a form (application/x-www-form-urlencoded).")


def _message(fields: dict[str, Any]) -> tuple[str, str, bool]:
    """(sender, text, from Twilio) of a webhook body, whatever the gateway."""
    pairs = (("from", "text"), ("From", "Body"), ("msisdn", "text"))
    for sender_field, text_field in pairs:
        if sender_field in fields:
            sender, text = fields[sender_field], fields.get(text_field)
            if not isinstance(sender, str) or not sender.strip():
                raise Unprocessable.field(sender_field, "The sender's number is missing.")
            if not isinstance(text, str):
                raise Unprocessable.field(text_field, "The message text is missing.")
            return sender.strip(), text, sender_field == "From"
    if any(text_field in fields for _, text_field in pairs):
        raise Unprocessable.field("from", "The sender's number is missing.")
    raise Unprocessable(
        "Expected {from, text}, Twilio's From and Body, or Vonage's msisdn and text."
    )


@blueprint.post("/sms/inbound")
async def inbound_sms() -> Response | tuple[dict[str, Any], int]:
    """Answer a guide question sent by SMS (see docs/api.md). 401/403 without the gateway's
    secret, 413 past 16 KB, 422 for a body that is no SMS, 429 past the per-number cap."""
    _check_secret()
    length = request.content_length
    if length is not None and length > MAX_BODY:
        raise PayloadTooLarge("An SMS webhook body is at most 16 KB.")
    raw = await request.get_data(cache=False, as_text=False, parse_form_data=False)
    assert isinstance(raw, bytes)
    if len(raw) > MAX_BODY:
        raise PayloadTooLarge("An SMS webhook body is at most 16 KB.")
    sender, text, twilio = _message(_fields(raw))
    # Vonage sends the number without "+": it is international already.
    if sender.isdigit() and not sender.startswith("0"):
        sender = f"+{sender}"
    answer = await guide_sms.answer_sms(current_node(), sender, text, nearby_open)
    if twilio:
        return Response(_TWIML, status=200, content_type="text/xml")
    return {"status": "answered", "answer": answer}, 200
