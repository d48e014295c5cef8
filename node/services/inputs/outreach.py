"""Inputs about street outreach: planning a round, changing it, recording an encounter."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from pydantic import Field, model_validator

from node.models import OutreachItem, RoundKind, RoundMode
from node.services.inputs.types import Lat, Lon, Moment, Strict, Text

AREA = Text(2, 120)
TEAM_NAME = Text(0, 60)
NOTE = Text(1, 2000, lines=True)
PSEUDONYM = Text(1, 50)
TEAM_MAX = 30

Area = Annotated[str, AREA]
TeamName = Annotated[str, TEAM_NAME]


class RoundPlan(Strict):
    """A round to plan; ``team`` lists member ids of the association."""

    association_id: UUID
    area: Area
    team_name: TeamName = ""
    kind: RoundKind
    mode: RoundMode
    planned_at: Moment
    team: list[UUID] = Field(default_factory=list, max_length=TEAM_MAX)


class RoundChanges(Strict):
    """Only the keys present change; ``team`` replaces the whole team. Planned rounds only."""

    area: Area | None = None
    team_name: TeamName | None = None
    kind: RoundKind | None = None
    mode: RoundMode | None = None
    planned_at: Moment | None = None
    team: list[UUID] | None = Field(None, max_length=TEAM_MAX)

    @model_validator(mode="after")
    def _no_nulls(self) -> RoundChanges:
        for name in self.model_fields_set:
            if getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class EncounterRecord(Strict):
    """An encounter: the exact point (encrypted, for the association only), what was given, the
    flags; a pseudonym only with the person's consent (``consent: true``)."""

    lat: Lat
    lon: Lon
    items: list[OutreachItem] = Field(default_factory=list, max_length=len(OutreachItem))
    asleep: bool = False
    needs_follow_up: bool = False
    occurred_at: Moment | None = None
    note: Annotated[str, NOTE] | None = None
    pseudonym: Annotated[str, PSEUDONYM] | None = None
    consent: bool = False
