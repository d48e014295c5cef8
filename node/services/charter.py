"""The node's ethics charter: members accept it at sign-up and again when it changes; a new
version goes through the street committee (gate ``charter``).

A member whose latest accepted version is older than the one in force is asked to accept it on
their next visit: the pages send them to the charter, the API answers 403 with the problem type
:data:`PROBLEM_TYPE` (except reading and accepting the charter, exporting and deleting the
account: nobody has to agree to leave or to take their data).
"""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, Forbidden, Unprocessable
from node.models import CharterAcceptance, CharterVersion, Decision, Member
from node.services.charter_text import MAX_CHARS, Charter, charter_in_force
from node.services.committee import gates
from node.services.committee.changes import ChangeCharter
from node.state import NodeState

PROBLEM_TYPE = "/problems/charter-not-accepted"

__all__ = [
    "PROBLEM_TYPE",
    "CharterNotAccepted",
    "accept",
    "accepted_version",
    "charter_in_force",
    "needs_acceptance",
    "publish",
    "record_acceptance",
]


class CharterNotAccepted(Forbidden):
    """The member must accept the charter in force before going on (HTTP 403)."""

    type = PROBLEM_TYPE

    def __init__(self, version: int) -> None:
        super().__init__(
            f"The node's charter changed (version {version}). Read it and accept it: "
            "GET /api/v1/charter, then POST /api/v1/charter/accept."
        )
        self.version = version


async def accepted_version(member: Member) -> int | None:
    """The latest version ``member`` accepted (None: never)."""
    row = await CharterAcceptance.filter(member_id=member.id).order_by("-version").first()
    return None if row is None else row.version


async def needs_acceptance(member: Member) -> Charter | None:
    """The charter ``member`` must accept now, or None when they accepted the one in force."""
    charter = await charter_in_force()
    accepted = await accepted_version(member)
    if accepted is not None and accepted >= charter.version:
        return None
    return charter


async def require_accepted(member: Member) -> None:
    """:class:`CharterNotAccepted` unless ``member`` accepted the charter in force."""
    charter = await needs_acceptance(member)
    if charter is not None:
        raise CharterNotAccepted(charter.version)


async def record_acceptance(member: Member, version: int) -> CharterAcceptance:
    """Write that ``member`` accepted ``version`` now (accepting twice keeps the first time)."""
    existing = await CharterAcceptance.get_or_none(member_id=member.id, version=version)
    if existing is not None:
        return existing
    try:
        return await CharterAcceptance.create(
            member=member, version=version, accepted_at=clock.now()
        )
    except IntegrityError:  # the same member accepted in a parallel request
        return await CharterAcceptance.get(member_id=member.id, version=version)


async def accept(member: Member, version: int) -> CharterAcceptance:
    """The member accepts ``version``; 409 when it is no longer the one in force (the page they
    read is out of date: they read the new one first)."""
    charter = await charter_in_force()
    if version != charter.version:
        raise Conflict(
            f"The charter in force is version {charter.version}; read it and accept that one."
        )
    return await record_acceptance(member, version)


def _clean(field: str, value: str) -> str:
    text = value.replace("\r\n", "\n").strip()
    if not text:
        raise Unprocessable.field(field, "Write the charter's text.")
    if len(text) > MAX_CHARS:
        raise Unprocessable.field(field, f"At most {MAX_CHARS} characters.")
    return text + "\n"


async def publish(
    node: NodeState,
    text_fr: str,
    text_en: str,
    *,
    by: Member | None = None,
    decision: Decision | None = None,
) -> Charter:
    """A new version of the charter. Gated: while the committee sits this opens a proposal
    (:class:`~node.services.committee.gates.Proposed`) showing the lines that change; once
    approved, the node publishes exactly that text. 422 for an empty, too long or unchanged
    text."""
    text_fr, text_en = _clean("text_fr", text_fr), _clean("text_en", text_en)
    current = await charter_in_force()
    if (text_fr, text_en) == (current.text_fr, current.text_en):
        raise Unprocessable.field("text_fr", "This is the charter in force already.")
    await gates.require(
        node, ChangeCharter(text_fr=text_fr, text_en=text_en), by=by, decision=decision
    )
    now: datetime = clock.now()
    async with in_transaction():
        latest = await charter_in_force()
        try:
            row = await CharterVersion.create(
                version=latest.version + 1, text_fr=text_fr, text_en=text_en, created_at=now
            )
        except IntegrityError:
            raise Conflict("Another version was published at the same time; try again.") from None
    return Charter(row.version, row.text_fr, row.text_en, row.created_at)
