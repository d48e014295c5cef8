"""Documents of this node's actors: the instance actor (``Application``), association actors
(``Group``) and member actors (``Person``, only for members who take part across nodes).

Every actor publishes the instance RSA key under its own key id (``<actor>#main-key``) so that
activities signed "as" an association satisfy the actor-owns-key rule of remote servers.
Phone numbers and email addresses are never part of an actor (DESIGN §5).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from federation import build
from federation.vocab import NodeKind
from node import iris
from node.fed import identity
from node.models import (
    Action,
    Association,
    AssociationStatus,
    Member,
    Message,
    Participation,
    Visibility,
)
from node.state import NodeState

# Settings say city|association, the vocabulary (actor and NodeInfo alike) municipality|association.
NODE_KINDS = {"city": NodeKind.MUNICIPALITY, "association": NodeKind.ASSOCIATION}
DEFAULT_ICON = "/assets/img/icon-512.png"  # node/web/static
MEMBER_USERNAME_PREFIX = "m-"


def node_icon(node: NodeState) -> dict[str, Any]:
    """The node's logo (``ENTRAIDE_NODE_ICON_URL``, else the Entraide logo it ships)."""
    s = node.settings
    url = s.node_icon_url or s.base_url + DEFAULT_ICON
    media = "image/png" if url.lower().endswith(".png") else None
    return build.image(url, media)


def instance_actor(node: NodeState) -> dict[str, Any]:
    s = node.settings
    actor_iri = iris.instance_actor_iri(s)
    return build.actor(
        id=actor_iri,
        type="Application",
        preferred_username=s.domain,
        name=s.node_name,
        summary=f"Entraide node ({s.node_kind})",
        inbox=iris.inbox_iri(actor_iri),
        outbox=iris.outbox_iri(actor_iri),
        followers=iris.followers_iri(actor_iri),
        following=iris.following_iri(actor_iri),
        shared_inbox=iris.shared_inbox_iri(s),
        key=identity.instance_key(s),
        url=s.base_url + "/",
        node_kind=NODE_KINDS[s.node_kind],
        manually_approves_followers=False,
        icon=node_icon(node),
        discoverable=True,
    )


async def association_is_federated(association_id: UUID | str) -> Association | None:
    """The association when it has an actor: approved associations."""
    return await Association.get_or_none(id=association_id, status=AssociationStatus.APPROVED)


def association_actor(node: NodeState, association: Association) -> dict[str, Any]:
    actor_iri = iris.association_actor_iri(node.settings, association.id)
    return build.actor(
        id=actor_iri,
        type="Group",
        preferred_username=association.slug,
        name=association.name,
        summary=association.description or None,
        inbox=iris.inbox_iri(actor_iri),
        outbox=iris.outbox_iri(actor_iri),
        followers=iris.followers_iri(actor_iri),
        following=iris.following_iri(actor_iri),
        shared_inbox=iris.shared_inbox_iri(node.settings),
        key=identity.instance_key(node.settings),
        published=association.created_at,
        icon=node_icon(node),
        discoverable=True,
    )


async def member_is_federated(member_id: UUID | str) -> Member | None:
    """Members have an actor only when they take part across nodes: here, when they authored a
    public action (part B extends this with remote participations)."""
    member = await Member.get_or_none(id=member_id)
    if member is None:
        return None
    if await Action.filter(author_id=member.id, visibility=Visibility.PUBLIC).exists():
        return member
    # Part B: members who answered another node's action, or share a chat with people there.
    if await Participation.filter(
        member_id=member.id, action__origin_domain__isnull=False
    ).exists():
        return member
    chats = Participation.filter(remote_actor_iri__isnull=False).values_list("action_id", flat=True)
    if await Message.filter(author_id=member.id, action_id__in=chats).exists():
        return member
    return None


def member_actor(node: NodeState, member: Member) -> dict[str, Any]:
    actor_iri = iris.member_actor_iri(node.settings, member.id)
    return build.actor(
        id=actor_iri,
        type="Person",
        preferred_username=member_username(member),
        name=member.display_name,  # pseudonym only: never phone or email
        inbox=iris.inbox_iri(actor_iri),
        outbox=iris.outbox_iri(actor_iri),
        followers=iris.followers_iri(actor_iri),
        following=iris.following_iri(actor_iri),
        shared_inbox=iris.shared_inbox_iri(node.settings),
        key=identity.instance_key(node.settings),
        discoverable=False,  # residents are not suggested to strangers
    )


def member_username(member: Member) -> str:
    """``m-`` and the first 8 hex digits of the member's id: stable, and no pseudonym in it."""
    return f"{MEMBER_USERNAME_PREFIX}{str(member.id)[:8]}"


async def member_by_username(username: str) -> Member | None:
    """The federated member whose actor is ``acct:m-xxxxxxxx@host`` (case-insensitive); None
    when there is none, or when two ids share the prefix (then neither is answered)."""
    prefix = username.lower().removeprefix(MEMBER_USERNAME_PREFIX)
    if not username.lower().startswith(MEMBER_USERNAME_PREFIX) or len(prefix) != 8:
        return None
    if any(c not in "0123456789abcdef" for c in prefix):
        return None
    # UUIDs sort by their hex text in SQLite and PostgreSQL alike: a range is the prefix.
    low = UUID(f"{prefix}-0000-0000-0000-000000000000")
    high = UUID(f"{prefix}-ffff-ffff-ffff-ffffffffffff")
    found = await Member.filter(id__gte=low, id__lte=high).limit(2)
    if len(found) != 1:
        return None
    return await member_is_federated(found[0].id)


async def local_actor_exists(node: NodeState, actor_iri: str) -> bool:
    """Whether ``actor_iri`` names one of this node's actors (for Follow targets, inboxes)."""
    s = node.settings
    if actor_iri == iris.instance_actor_iri(s):
        return True
    prefix = s.base_url + "/associations/"
    if actor_iri.startswith(prefix):
        return await association_is_federated(actor_iri[len(prefix) :]) is not None
    prefix = s.base_url + "/members/"
    if actor_iri.startswith(prefix):
        return await member_is_federated(actor_iri[len(prefix) :]) is not None
    return False
