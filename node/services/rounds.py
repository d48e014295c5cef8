"""Outreach rounds (maraudes): planning, team, start and end, automatic closing (DESIGN §2, §5).

Who may do what:

- only members of an approved association take part in outreach at all; anyone else (residents,
  and node admins who belong to no association) gets 403 on rounds and visits;
- every member of the round's association sees its rounds and encounters; anyone else gets 404;
- coordinators and admins of the association plan rounds, change them and pick the team (members
  of the association only);
- team members, coordinators and admins start and end a round and record its encounters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, Forbidden, NotFound, Unprocessable
from node.models import (
    Association,
    AssociationMembership,
    AssociationRole,
    AssociationStatus,
    Member,
    Round,
    RoundKind,
    RoundMode,
    RoundStatus,
    RoundTeamMember,
)
from node.services.associations import membership_role
from node.services.inputs.outreach import TEAM_MAX

COORDINATING = (AssociationRole.ADMIN, AssociationRole.COORDINATOR)
MAX_TEAM = TEAM_MAX
PLAN_PAST = timedelta(days=7)
PLAN_FUTURE = timedelta(days=366)


@dataclass(frozen=True, slots=True)
class RoundAccess:
    """A round as the caller sees it: their role in its association and whether they are on
    its team."""

    round: Round
    association: Association
    role: AssociationRole
    on_team: bool

    @property
    def coordinates(self) -> bool:
        return self.role in COORDINATING

    @property
    def may_run(self) -> bool:
        return self.on_team or self.coordinates


async def outreach_associations(member: Member) -> dict[UUID, AssociationRole]:
    """The approved associations the member belongs to, with their role in each."""
    rows = await AssociationMembership.filter(
        member_id=member.id, association__status=AssociationStatus.APPROVED
    ).values_list("association_id", "role")
    return {UUID(str(aid)): AssociationRole(role) for aid, role in rows}


async def require_outreach_member(member: Member) -> dict[UUID, AssociationRole]:
    """As :func:`outreach_associations`, but 403 for a member of no approved association."""
    roles = await outreach_associations(member)
    if not roles:
        raise Forbidden("Outreach is for members of the node's associations.")
    return roles


async def round_access(member: Member, round_id: UUID) -> RoundAccess:
    """The round if the caller may see it: 403 for residents, 404 for other associations."""
    await require_outreach_member(member)
    round_ = await Round.get_or_none(id=round_id).select_related("association")
    if round_ is None or round_.association.status != AssociationStatus.APPROVED:
        raise NotFound("No such round.")
    role = await membership_role(member, round_.association)
    if role is None:
        raise NotFound("No such round.")
    on_team = await RoundTeamMember.exists(round_id=round_.id, member_id=member.id)
    return RoundAccess(round=round_, association=round_.association, role=role, on_team=on_team)


async def _coordinated_association(member: Member, association_id: UUID) -> Association:
    await require_outreach_member(member)
    association = await Association.get_or_none(
        id=association_id, status=AssociationStatus.APPROVED
    )
    if association is None:
        raise NotFound("No such association.")
    if await membership_role(member, association) not in COORDINATING:
        raise Forbidden("Only the association's coordinators and admins plan rounds.")
    return association


async def exporting_association(member: Member, association_id: UUID) -> Association:
    """The association whose activity ``member`` may export (its coordinators and admins):
    403 for residents and volunteers, 404 for an association they do not belong to."""
    await require_outreach_member(member)
    association = await Association.get_or_none(id=association_id)
    role = None if association is None else await membership_role(member, association)
    if association is None or role is None:
        raise NotFound("No such association among yours.")
    if role not in COORDINATING:
        raise Forbidden("Only the association's coordinators and admins export its activity.")
    return association


async def _check_team(association: Association, team: Sequence[UUID]) -> list[UUID]:
    unique = list(dict.fromkeys(team))
    if len(unique) > MAX_TEAM:
        raise Unprocessable.field("team", f"A team has at most {MAX_TEAM} members.")
    found = await AssociationMembership.filter(
        association_id=association.id, member_id__in=unique
    ).values_list("member_id", flat=True)
    missing = set(unique) - {UUID(str(m)) for m in found}
    if missing:
        raise Unprocessable.field("team", "Team members must be members of the association.")
    return unique


def _check_planned_at(planned_at: datetime) -> None:
    now = clock.now()
    if planned_at.tzinfo is None:
        raise Unprocessable.field("planned_at", "Give a time zone, as in 2026-12-01T20:00:00Z.")
    if not now - PLAN_PAST <= planned_at <= now + PLAN_FUTURE:
        raise Unprocessable.field(
            "planned_at", "A round is planned at most a week in the past or a year ahead."
        )


async def plan_round(
    member: Member,
    *,
    association_id: UUID,
    area: str,
    team_name: str,
    kind: RoundKind,
    mode: RoundMode,
    planned_at: datetime,
    team: Sequence[UUID],
) -> Round:
    association = await _coordinated_association(member, association_id)
    _check_planned_at(planned_at)
    team_ids = await _check_team(association, team)
    async with in_transaction():
        round_ = await Round.create(
            association=association,
            area=" ".join(area.split()),
            team_name=" ".join(team_name.split()),
            kind=kind,
            mode=mode,
            planned_at=planned_at,
            created_by=member,
            created_at=clock.now(),
        )
        await RoundTeamMember.bulk_create(
            [RoundTeamMember(round=round_, member_id=mid) for mid in team_ids]
        )
    return round_


async def update_round(access: RoundAccess, changes: dict[str, object]) -> Round:
    """Change a planned round (area, team name, kind, mode, time, team); coordinators only."""
    if not access.coordinates:
        raise Forbidden("Only the association's coordinators and admins change rounds.")
    round_ = access.round
    if round_.status != RoundStatus.PLANNED:
        raise Conflict("Only a planned round can be changed.")
    team = changes.pop("team", None)
    if "planned_at" in changes:
        _check_planned_at(changes["planned_at"])  # type: ignore[arg-type]
    for key in ("area", "team_name"):
        if key in changes:
            changes[key] = " ".join(str(changes[key]).split())
    team_ids = None if team is None else await _check_team(access.association, team)  # type: ignore[arg-type]
    async with in_transaction():
        if changes:
            updated = await Round.filter(id=round_.id, status=RoundStatus.PLANNED).update(**changes)
            if not updated:
                raise Conflict("Only a planned round can be changed.")
        if team_ids is not None:
            await RoundTeamMember.filter(round_id=round_.id).delete()
            await RoundTeamMember.bulk_create(
                [RoundTeamMember(round_id=round_.id, member_id=mid) for mid in team_ids]
            )
    await round_.refresh_from_db()
    return round_


async def delete_round(access: RoundAccess) -> None:
    if not access.coordinates:
        raise Forbidden("Only the association's coordinators and admins delete rounds.")
    if not await Round.filter(id=access.round.id, status=RoundStatus.PLANNED).delete():
        raise Conflict("Only a round that has not started can be deleted.")


async def start_round(
    access: RoundAccess, *, auto_close_hours: float, retention_hours: float
) -> Round:
    """Planned → started. The round closes by itself ``auto_close_hours`` later."""
    if not access.may_run:
        raise Forbidden("Only the round's team and the association's coordinators start it.")
    now = clock.now()
    auto_close_at = now + timedelta(hours=auto_close_hours)
    updated = await Round.filter(id=access.round.id, status=RoundStatus.PLANNED).update(
        status=RoundStatus.STARTED,
        started_at=now,
        auto_close_at=auto_close_at,
        purge_due_at=auto_close_at + timedelta(hours=retention_hours),
    )
    if not updated:
        raise Conflict(f"The round is {access.round.status}, it cannot start.")
    await access.round.refresh_from_db()
    return access.round


async def end_round(access: RoundAccess, *, retention_hours: float) -> Round:
    """Started → ended; encounter details are purged ``retention_hours`` later."""
    if not access.may_run:
        raise Forbidden("Only the round's team and the association's coordinators end it.")
    now = clock.now()
    updated = await Round.filter(id=access.round.id, status=RoundStatus.STARTED).update(
        status=RoundStatus.ENDED,
        ended_at=now,
        purge_due_at=now + timedelta(hours=retention_hours),
    )
    if not updated:
        raise Conflict(f"The round is {access.round.status}, it cannot end.")
    await access.round.refresh_from_db()
    return access.round


async def close_overdue_rounds() -> int:
    """Periodic job: end the rounds still open at their ``auto_close_at``; ``ended_at`` is that
    deadline, so the report's duration is the configured maximum, not the job's delay."""
    return await Round.filter(status=RoundStatus.STARTED, auto_close_at__lte=clock.now()).update(
        status=RoundStatus.ENDED, ended_at=F("auto_close_at"), auto_closed=True
    )


async def list_rounds(
    member: Member,
    *,
    association_id: UUID | None,
    status: RoundStatus | None,
    limit: int,
) -> list[Round]:
    """Rounds of the caller's associations, latest planned first."""
    roles = await require_outreach_member(member)
    ids = list(roles)
    if association_id is not None:
        if association_id not in roles:
            raise NotFound("No such association among yours.")
        ids = [association_id]
    query = Round.filter(association_id__in=ids)
    if status is not None:
        query = query.filter(status=status)
    return await query.order_by("-planned_at").limit(limit).select_related("association")


async def team_of(round_ids: Sequence[UUID]) -> dict[UUID, list[Member]]:
    rows = await RoundTeamMember.filter(round_id__in=list(round_ids)).select_related("member")
    teams: dict[UUID, list[Member]] = {rid: [] for rid in round_ids}
    for row in rows:
        teams.setdefault(UUID(str(row.round_id)), []).append(row.member)  # type: ignore[attr-defined]
    return teams
