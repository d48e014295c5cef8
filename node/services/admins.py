"""Node administrators: the one check of who may run the node (approve associations, block
domains, decide partnerships, read the settings)."""

from __future__ import annotations

from node.errors import Forbidden
from node.models import Member


def require_node_admin(member: Member | None) -> Member:
    """``member`` when it is a node administrator; 403 otherwise (anonymous included)."""
    if member is None or not member.is_admin:
        raise Forbidden("Only node administrators can do this.")
    return member
