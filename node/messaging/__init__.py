"""Outgoing SMS and mail, through the backend named in the settings.

``console`` prints, ``file:PATH`` appends one JSON line per message (tests and demos read it),
``http(s)://…`` posts SMS to a gateway, ``smtp(s)://…`` sends mail with aiosmtplib.
"""

from node.messaging.backends import (
    MailBackend,
    OutgoingMail,
    OutgoingSms,
    SmsBackend,
    mail_backend,
    sms_backend,
)

__all__ = [
    "MailBackend",
    "OutgoingMail",
    "OutgoingSms",
    "SmsBackend",
    "mail_backend",
    "sms_backend",
]
