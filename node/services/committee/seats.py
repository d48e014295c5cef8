"""Who sits on the committee, and its rules and gates.

The first members are named by the node's admin (``entraide init``, the admin page) while the
committee is empty; from then on every seat, rule and gate change is itself a committee decision
(the ``committee`` gate). A proxy profile (a person in need managed by an association) sits only
with their consent, recorded by their association.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, NotFound, Unprocessable
from node.models import Committee, CommitteeMember, CommitteeRole, Decision, Member
from node.services.committee import gates
from node.services.committee.changes import AddSeat, ChangeGates, ChangeRules, RemoveSeat
from node.services.committee.rules import get_committee

if TYPE_CHECKING:
    from node.state import NodeState

CONSENT_MAX = 500


async def list_seats() -> list[CommitteeMember]:
    return (
        await CommitteeMember.filter(active_member_id__not_isnull=True)
        .select_related("member")
        .order_by("joined_at", "id")
    )


async def seat_change(
    member: Member, *, role: CommitteeRole = CommitteeRole.MEMBER, consent: str | None = None
) -> AddSeat:
    """The change that seats ``member``; a proxy profile needs a consent statement."""
    consent = (consent or "").strip() or None
    if consent is not None and len(consent) > CONSENT_MAX:
        raise Unprocessable.field("consent_statement", f"at most {CONSENT_MAX} characters")
    if member.is_proxy and consent is None:
        raise Unprocessable.field(
            "consent_statement",
            "A profile managed by an association sits only with the person's consent: "
            "write how they gave it.",
        )
    if not member.is_proxy and not member.is_verified:
        raise Unprocessable.field("member", "This member has not verified their phone yet.")
    return AddSeat(
        member_id=member.id,
        name=member.display_name,
        role=role,
        consent_statement=consent,
    )


async def add_seat(
    node: NodeState, change: AddSeat, *, by: Member | None = None, decision: Decision | None = None
) -> CommitteeMember:
    if await CommitteeMember.filter(active_member_id=change.member_id).exists():
        raise Conflict(f"{change.name} already sits on the committee.")
    await gates.require(node, change, by=by, decision=decision)
    member = await Member.get_or_none(id=change.member_id)
    if member is None:
        raise NotFound("No such member.")
    try:
        return await CommitteeMember.create(
            member=member,
            active_member_id=member.id,
            role=change.role,
            consent_statement=change.consent_statement,
            joined_at=clock.now(),
        )
    except IntegrityError:
        raise Conflict(f"{change.name} already sits on the committee.") from None


async def name_first_members(
    node: NodeState, members: list[tuple[Member, CommitteeRole, str | None]]
) -> list[CommitteeMember]:
    """Seat the first members at once (the committee must be empty)."""
    if await CommitteeMember.filter(active_member_id__not_isnull=True).exists():
        raise Conflict("The committee has members: propose new members to it instead.")
    changes = [await seat_change(m, role=role, consent=consent) for m, role, consent in members]
    async with in_transaction():
        now = clock.now()
        return [
            await CommitteeMember.create(
                member_id=c.member_id,
                active_member_id=c.member_id,
                role=c.role,
                consent_statement=c.consent_statement,
                joined_at=now,
            )
            for c in changes
        ]


async def remove_seat(
    node: NodeState,
    change: RemoveSeat,
    *,
    by: Member | None = None,
    decision: Decision | None = None,
) -> None:
    if not await CommitteeMember.filter(active_member_id=change.member_id).exists():
        raise NotFound(f"{change.name} does not sit on the committee.")
    await gates.require(node, change, by=by, decision=decision)
    await CommitteeMember.filter(active_member_id=change.member_id).update(
        active_member_id=None, left_at=clock.now()
    )


async def change_rules(
    node: NodeState,
    change: ChangeRules,
    *,
    by: Member | None = None,
    decision: Decision | None = None,
) -> Committee:
    await gates.require(node, change, by=by, decision=decision)
    committee = await get_committee()
    committee.quorum = change.quorum
    committee.voting_days = change.voting_days
    committee.updated_at = clock.now()
    await committee.save()
    return committee


async def change_gates(
    node: NodeState,
    change: ChangeGates,
    *,
    by: Member | None = None,
    decision: Decision | None = None,
) -> Committee:
    await gates.require(node, change, by=by, decision=decision)
    committee = await get_committee()
    committee.gates = ",".join(sorted({g.value for g in change.gates}))
    committee.updated_at = clock.now()
    await committee.save()
    return committee
