"""The followed actor carries a member's post: an ``Announce`` to its followers (FEP-1b12 style).

Mastodon keeps a post that reaches its shared inbox only when someone there follows the post's
actor (``ActivityPub::Activity::Create`` without a follow is dropped), and people follow the
node (its instance actor, ``acct:HOST@HOST``) or an association, never the member who wrote a
need. Authorship stays with the member — partner nodes need the member's actor to answer
(``Join``) and to chat — and the instance actor, the actor people follow, announces the object
to its followers. Mastodon then fetches the object at its id (``/actions/{id}``) and its author
(``/members/{id}``, found by WebFinger) and shows the need as a boost by the node.

An association's post needs no announce for the association's followers (the association is
its author and is followed); the instance actor still announces it to its own followers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from federation import build
from federation.vocab import PUBLIC
from node.fed.outbox import followers, publish
from node.fed.serializers import author_actor_iri
from node.iris import action_iri, followers_iri, instance_actor_iri, new_activity_iri
from node.models import Action

if TYPE_CHECKING:
    from node.state import NodeState


async def announce_action(node: NodeState, action: Action) -> bool:
    """Queue the instance actor's ``Announce`` of a just-published public action to the
    instance actor's followers (in the caller's transaction); False when nobody follows it."""
    s = node.settings
    announcer = instance_actor_iri(s)
    fans = await followers(announcer)
    if not fans:
        return False
    author = author_actor_iri(node, action)
    activity = build.announce(
        id=new_activity_iri(s),
        actor=announcer,
        object=action_iri(s, action.id),
        to=[PUBLIC],
        cc=[followers_iri(announcer), author],
        published=action.created_at,
    )
    await publish(node, activity, to=fans, public=True)
    return True
