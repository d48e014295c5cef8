"""Publishing a report to the server of the reported content: a ``Flag`` (ActivityStreams
vocabulary §3.2) shaped as Mastodon sends one (``app/serializers/activitypub/flag_serializer.rb``):
from the instance actor so the reporter stays anonymous, ``object`` = the reported account
then the reported objects, ``content`` = the text the moderator chose to send. It goes to the
reported account's inbox (its server's shared inbox when it has one), as Mastodon delivers it;
GoToSocial and Mastodon both turn it into a report for their moderators.
"""

from __future__ import annotations

from federation import build
from node.events import ReportForwarded
from node.fed.outbox import publish
from node.iris import instance_actor_iri, new_activity_iri
from node.state import NodeState


async def publish_flag(node: NodeState, event: ReportForwarded) -> None:
    activity = build.flag(
        id=new_activity_iri(node.settings),
        actor=instance_actor_iri(node.settings),
        objects=[event.actor.ap_id, *event.objects],
        content=event.text,
    )
    await publish(node, activity, to=[event.actor])
