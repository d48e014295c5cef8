"""The committee itself: who sits on it, its rules (quorum, voting period) and the areas it
decides on.
"""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from node.models import CommitteeRole
from node.services.committee.changes.payload import BaseChange, Description, Rows
from node.services.committee.rules import Gate, get_committee


class AddSeat(BaseChange):
    kind: Literal["committee.seat_add"] = "committee.seat_add"
    gate: ClassVar[Gate] = Gate.COMMITTEE
    member_id: UUID
    name: str
    role: CommitteeRole = CommitteeRole.MEMBER
    consent_statement: str | None = None

    @property
    def subject(self) -> str:
        return f"seat:{self.member_id}"

    def describe(self) -> Description:
        return Description(
            f"{self.name} rejoint le comité",
            f"{self.name} joins the committee",
            f"{self.name} entrerait au comité de la rue.",
            f"{self.name} would join the street committee.",
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return {"member": self.name, "seat": "no"}, {"member": self.name, "seat": self.role.value}


class RemoveSeat(BaseChange):
    kind: Literal["committee.seat_remove"] = "committee.seat_remove"
    gate: ClassVar[Gate] = Gate.COMMITTEE
    member_id: UUID
    name: str

    @property
    def subject(self) -> str:
        return f"seat:{self.member_id}"

    def describe(self) -> Description:
        return Description(
            f"{self.name} quitte le comité",
            f"{self.name} leaves the committee",
            f"{self.name} sortirait du comité de la rue.",
            f"{self.name} would leave the street committee.",
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return {"member": self.name, "seat": "yes"}, {"member": self.name, "seat": "no"}


class ChangeRules(BaseChange):
    kind: Literal["committee.rules"] = "committee.rules"
    gate: ClassVar[Gate] = Gate.COMMITTEE
    quorum: int = Field(ge=1, le=100)
    voting_days: int = Field(ge=1, le=60)

    @property
    def subject(self) -> str:
        return "rules"

    def describe(self) -> Description:
        return Description(
            "Règles du comité",
            "The committee's rules",
            f"Il faudrait {self.quorum} votants. Un vote durerait {self.voting_days} jours.",
            f"A vote would need {self.quorum} voters and last {self.voting_days} days.",
        )

    async def current(self) -> Rows:
        c = await get_committee()
        return {"quorum": str(c.quorum), "voting_days": str(c.voting_days)}

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return current, {"quorum": str(self.quorum), "voting_days": str(self.voting_days)}


class ChangeGates(BaseChange):
    kind: Literal["committee.gates"] = "committee.gates"
    gate: ClassVar[Gate] = Gate.COMMITTEE
    gates: list[Gate]

    @property
    def subject(self) -> str:
        return "gates"

    def describe(self) -> Description:
        names = ", ".join(g.value for g in self.gates) or "—"
        return Description(
            "Ce que le comité décide",
            "What the committee decides on",
            f"Le comité déciderait de : {names}.",
            f"The committee would decide on: {names}.",
        )

    async def current(self) -> Rows:
        return {"gates": ", ".join((await get_committee()).gate_list) or "—"}

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return current, {"gates": ", ".join(g.value for g in self.gates) or "—"}
