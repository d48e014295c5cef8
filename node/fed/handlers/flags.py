"""Inbox: ``Flag``, a moderation report from another server (ActivityStreams vocabulary §3.2,
"Flag": the actor flags the object as inappropriate).

Mastodon (``app/serializers/activitypub/flag_serializer.rb``) and GoToSocial send it from a
service account (Mastodon's ``/actor``, GoToSocial's instance account) so the reporter stays
anonymous; ``object`` is the reported account's IRI, alone or followed by the reported posts'
IRIs; ``content`` is the report's comment. A Flag from any admitted server lands in this node's
moderation queue and does nothing else: a moderator decides.
"""

from __future__ import annotations

from federation import parse as ap
from node.fed.handlers.context import Ignore, InboxContext
from node.fed.serializers import html_to_text
from node.services import reports
from node.services.received_text import received_text


async def flag(ctx: InboxContext, activity: ap.Activity) -> None:
    if activity.id is None:
        raise Ignore("a Flag without an id")
    objects = [iri for iri in (ap.id_of(ref) for ref in activity.object) if iri]
    content = received_text(html_to_text(activity.text or ""), reports.TEXT_MAX)
    report = await reports.receive_flag(
        ctx.node,
        origin_domain=ctx.sender.domain,
        activity_id=activity.id,
        objects=objects,
        content=content,
    )
    if report is None:
        raise Ignore("the Flag names nothing of this node, or came already")
