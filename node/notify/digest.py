"""The digest mail: several unread notifications in one plain-text message, with a one-click
unsubscribe link that needs no log-in.

RFC 8058: ``List-Unsubscribe`` names an https URL (RFC 2369) and ``List-Unsubscribe-Post:
List-Unsubscribe=One-Click`` tells the mail client it may POST that body to the URL to
unsubscribe at once, without opening a page. The mail carries no phone number, email address
(other than the recipient's own, in ``To``) or place; people appear by pseudonym.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit
from uuid import UUID

from node.messaging import OutgoingMail
from node.models import Notification
from node.services.notification_kinds import KINDS
from node.services.notifications import unsubscribe_token
from node.state import NodeState

_SUBJECT = {
    "fr": ("Une nouvelle notification", "{n} nouvelles notifications"),
    "en": ("One new notification", "{n} new notifications"),
}
_INTRO = {
    "fr": "Bonjour,\n\nVoici ce qui s'est passé pendant votre absence :",
    "en": "Hello,\n\nHere is what happened while you were away:",
}
_FOOTER = {
    "fr": (
        "Toutes vos notifications : {all}\n\n"
        "Ne plus recevoir ces messages (un clic, sans vous connecter) : {unsubscribe}"
    ),
    "en": (
        "All your notifications: {all}\n\n"
        "Stop these mails (one click, no log-in needed): {unsubscribe}"
    ),
}


def unsubscribe_url(node: NodeState, member_id: UUID) -> str:
    return (
        f"{node.settings.base_url}/notifications/unsubscribe/{unsubscribe_token(node, member_id)}"
    )


def compose(
    node: NodeState, digest_id: int, to: str, member_id: UUID, items: Sequence[Notification]
) -> OutgoingMail:
    settings = node.settings
    language = settings.default_language
    one, many = _SUBJECT[language]
    subject = (one if len(items) == 1 else many.format(n=len(items))) + f" · {settings.node_name}"
    lines = [_INTRO[language], ""]
    for item in items:
        spec = KINDS.get(item.kind)
        text = spec.text(language, item.payload) if spec else item.kind
        url = item.payload.get("url")
        lines.append(f"• {text}")
        if url:
            lines.append(f"  {settings.base_url}{url}")
    unsubscribe = unsubscribe_url(node, member_id)
    lines += [
        "",
        "—",
        _FOOTER[language].format(all=f"{settings.base_url}/notifications", unsubscribe=unsubscribe),
    ]
    headers = (
        ("List-Unsubscribe", f"<{unsubscribe}>"),
        ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
        # The same id if a digest is ever sent twice: mail clients show it once.
        ("Message-ID", f"<digest-{digest_id}@{urlsplit(settings.base_url).hostname}>"),
        ("Auto-Submitted", "auto-generated"),  # RFC 3834: no auto-replies
    )
    return OutgoingMail(to=to, subject=subject, body="\n".join(lines) + "\n", headers=headers)
