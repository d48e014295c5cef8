"""IRIs of this node's federated objects, computed from the settings only (pure functions)."""

from __future__ import annotations

from uuid import UUID, uuid4

from node.settings import Settings


def instance_actor_iri(s: Settings) -> str:
    return f"{s.base_url}/actor"


def association_actor_iri(s: Settings, association_id: UUID | str) -> str:
    return f"{s.base_url}/associations/{association_id}"


def member_actor_iri(s: Settings, member_id: UUID | str) -> str:
    return f"{s.base_url}/members/{member_id}"


def action_iri(s: Settings, action_id: UUID | str) -> str:
    return f"{s.base_url}/actions/{action_id}"


def visit_iri(s: Settings, visit_id: UUID | str) -> str:
    """A local outreach visit, as shared with partners under the ``outreach`` scope."""
    return f"{s.base_url}/visits/{visit_id}"


def new_activity_iri(s: Settings) -> str:
    return f"{s.base_url}/activities/{uuid4()}"


def shared_inbox_iri(s: Settings) -> str:
    return f"{s.base_url}/inbox"


def inbox_iri(actor_iri: str) -> str:
    return f"{actor_iri}/inbox"


def followers_iri(actor_iri: str) -> str:
    return f"{actor_iri}/followers"


def following_iri(actor_iri: str) -> str:
    return f"{actor_iri}/following"


def outbox_iri(actor_iri: str) -> str:
    return f"{actor_iri}/outbox"


def key_id(actor_iri: str) -> str:
    """Every local actor publishes the instance key under its own id (see node.fed docstring)."""
    return f"{actor_iri}#main-key"


def is_local(s: Settings, iri: str) -> bool:
    return iri == s.base_url or iri.startswith(s.base_url + "/")


def call_iri(s: Settings, call_id: UUID | str) -> str:
    """A local call for help (public: it is a post on the fediverse too)."""
    return f"{s.base_url}/calls/{call_id}"


def place_iri(s: Settings, place_id: UUID | str) -> str:
    """A place of the solidarity guide made on this node (its public page, and its AS2 object
    on content negotiation)."""
    return f"{s.base_url}/guide/{place_id}"
