"""Publishing an account's deletion (DESIGN §5: deletion is propagated to partners).

When a member deletes their account, everyone who received something of theirs is told, in
the transaction that deletes the rows:

* each of their public actions: ``Delete{object: Tombstone}``, to the audience it was published
  to (as when one action is deleted, :func:`node.fed.publish_actions.publish_delete`);
* their ``Person`` actor, where they have one (they published, joined another node's action or
  shared a chat with someone there): ``Delete{object: <actor IRI>}``, as Mastodon sends an
  account deletion (``app/lib/activitypub/activity/delete.rb`` treats ``object == actor`` as
  "this account is gone"), to every inbox that knows the actor: the audiences above, the owners
  of the remote actions they joined and the remote participants of their actions' chats.

The actor is gone from this node once the transaction commits; the receivers already hold its
key (they verified its activities before), which is how they verify these last ones.
"""

from __future__ import annotations

from federation import build
from federation.vocab import PUBLIC
from node.events import MemberDeleted
from node.fed.outbox import publish
from node.fed.publish_actions import audience, federates, publish_delete
from node.fed.publish_participations import chat_recipients
from node.fed.remote import get_remote_actor
from node.iris import member_actor_iri, new_activity_iri
from node.models import RemoteActor
from node.state import NodeState


async def publish_member_deleted(node: NodeState, event: MemberDeleted) -> None:
    member = event.member
    when = event.when
    known: dict[str, RemoteActor] = {}
    for action in event.actions:
        if not federates(action):
            continue
        await publish_delete(node, action, when)
        for actor in await audience(node, action):
            known.setdefault(actor.ap_id, actor)
        for actor in await chat_recipients(node, action):
            known.setdefault(actor.ap_id, actor)
    for action in event.joined:
        if action.remote_actor_iri is not None:
            owner = await get_remote_actor(node, action.remote_actor_iri)
            known.setdefault(owner.ap_id, owner)
    if not known:
        return  # nobody elsewhere ever heard of this member: they had no actor
    actor_iri = member_actor_iri(node.settings, member.id)
    activity = build.delete(
        id=new_activity_iri(node.settings),
        actor=actor_iri,
        object=actor_iri,
        to=[PUBLIC],
    )
    await publish(node, activity, to=list(known.values()), public=True)
