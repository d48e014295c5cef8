"""Texting a member's number and mailing their address: a gateway or a mail server that fails
is logged (without the text) and the caller decides, never a 500.
"""

from __future__ import annotations

import logging

import aiosmtplib
import httpx

from node.messaging.backends import OutgoingSms
from node.state import NodeState

log = logging.getLogger("entraide.members")


# Delivery failures of an SMS gateway or SMTP server: the account exists, the client can resend.
DELIVERY_ERRORS = (OSError, aiosmtplib.SMTPException, httpx.HTTPError)


async def send_text(node: NodeState, phone: str, body: str) -> bool:
    """Text ``body`` to ``phone``; False (logged, without the text) when the gateway failed."""
    try:
        await node.sms.send(OutgoingSms(to=phone, body=body))
    except DELIVERY_ERRORS as exc:
        log.warning("could not send an SMS: %s", type(exc))
        return False
    return True
