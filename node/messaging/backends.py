"""SMS and mail backends. Message bodies carry codes and links, so they are never logged."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import asdict, dataclass
from email import policy as email_policy
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
import httpx


@dataclass(frozen=True)
class OutgoingSms:
    to: str
    body: str


@dataclass(frozen=True)
class OutgoingMail:
    to: str
    subject: str
    body: str
    # Extra header fields, e.g. List-Unsubscribe (RFC 2369) and List-Unsubscribe-Post (RFC 8058).
    headers: tuple[tuple[str, str], ...] = ()


class SmsBackend(Protocol):
    async def send(self, message: OutgoingSms) -> None: ...


class MailBackend(Protocol):
    async def send(self, message: OutgoingMail) -> None: ...


class ConsoleBackend:
    """Prints messages on standard output: the default, for a node on a laptop."""

    async def send(self, message: OutgoingSms | OutgoingMail) -> None:
        kind = "SMS" if isinstance(message, OutgoingSms) else "MAIL"
        print(f"[{kind}] {json.dumps(asdict(message), ensure_ascii=False)}", file=sys.stdout)


class FileBackend:
    """Appends one JSON line per message; a single write call keeps lines whole across workers."""

    def __init__(self, path: Path) -> None:
        self.path = path

    async def send(self, message: OutgoingSms | OutgoingMail) -> None:
        line = json.dumps(asdict(message), ensure_ascii=False) + "\n"
        await asyncio.to_thread(self._append, line)

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line)


class HttpSmsGateway:
    """Posts ``{"to": …, "body": …}`` as JSON to an SMS gateway URL (user:pass → basic auth)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.auth = (
            (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
        )
        netloc = parts.hostname or ""
        if parts.port:
            netloc = f"{netloc}:{parts.port}"
        self.url = parts._replace(netloc=netloc).geturl()

    async def send(self, message: OutgoingSms) -> None:
        async with httpx.AsyncClient(timeout=10.0, auth=self.auth) as client:
            response = await client.post(self.url, json={"to": message.to, "body": message.body})
            response.raise_for_status()


_MAIL_POLICY = email_policy.SMTP.clone(max_line_length=998)


class SmtpBackend:
    """``smtp://user:pass@host:port?starttls=1`` or ``smtps://…`` (implicit TLS)."""

    def __init__(self, url: str, sender: str) -> None:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        self.hostname = parts.hostname or "localhost"
        self.use_tls = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.use_tls else 25)
        self.start_tls = query.get("starttls", ["0"])[0] in ("1", "true", "yes")
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.sender = sender

    async def send(self, message: OutgoingMail) -> None:
        # Lines up to RFC 5322's 998 characters: a long List-Unsubscribe URL must stay one
        # unencoded token (folded, it would be RFC 2047-encoded and mail clients ignore it).
        email = EmailMessage(policy=_MAIL_POLICY)
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        for name, value in message.headers:
            email[name] = value
        email.set_content(message.body)
        # Flattened here: aiosmtplib would re-flatten with 78-character lines.
        await aiosmtplib.send(
            email.as_bytes(),
            sender=parseaddr(self.sender)[1],
            recipients=[message.to],
            hostname=self.hostname,
            port=self.port,
            username=self.username,
            password=self.password,
            use_tls=self.use_tls,
            start_tls=self.start_tls,
            timeout=15,
        )


def _file_path(spec: str) -> Path:
    return Path(spec[len("file:") :])


def sms_backend(spec: str) -> SmsBackend:
    """The SMS backend for a setting value (validated by :mod:`node.settings`)."""
    if spec == "console":
        return ConsoleBackend()
    if spec.startswith("file:"):
        return FileBackend(_file_path(spec))
    return HttpSmsGateway(spec)


def mail_backend(spec: str, sender: str) -> MailBackend:
    """The mail backend for a setting value (validated by :mod:`node.settings`)."""
    if spec == "console":
        return ConsoleBackend()
    if spec.startswith("file:"):
        return FileBackend(_file_path(spec))
    return SmtpBackend(spec, sender)
