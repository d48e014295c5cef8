"""The SMS and mail backends a node is given, each as one URL-like string."""

from __future__ import annotations

from pydantic import ValidationInfo

# Backends are written as URL-like strings so that one environment variable says everything:
# ``console``, ``file:/var/lib/entraide/sms.jsonl``, ``http://gateway/send`` (SMS) or
# ``smtp://user:pass@host:587?starttls=1`` (mail).
SMS_SCHEMES = ("console", "file", "http", "https")
MAIL_SCHEMES = ("console", "file", "smtp", "smtps")


def check_backend(value: str, schemes: tuple[str, ...], what: str) -> str:
    scheme = value.split(":", 1)[0] if ":" in value else value
    if scheme not in schemes:
        raise ValueError(f"unknown {what} backend {value!r}; use one of {', '.join(schemes)}")
    if scheme == "file" and not value[len("file:") :].strip():
        raise ValueError("file backend needs a path, as in file:/path/to/messages.jsonl")
    return value


def refuse_console_in_production(value: str, info: ValidationInfo, leaks: str, real: str) -> None:
    """A node on an https URL serves real people: the ``console`` backend would print their
    verification codes, numbers, links and addresses to the terminal (and its logs)."""
    base_url = str(info.data.get("base_url", ""))
    if value == "console" and base_url.startswith("https://"):
        raise ValueError(
            f"console prints verification {leaks} to the terminal; an https node needs {real} "
            "(see docs/operators.md)"
        )
