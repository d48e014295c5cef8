"""A new association on the node, approved by the committee."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from node.services.committee.changes.payload import BaseChange, Description, Rows
from node.services.committee.rules import Gate


class ApproveAssociation(BaseChange):
    kind: Literal["association.approve"] = "association.approve"
    gate: ClassVar[Gate] = Gate.ASSOCIATIONS
    association_id: UUID
    name: str

    @property
    def subject(self) -> str:
        return f"association:{self.association_id}"

    def describe(self) -> Description:
        return Description(
            f"Accueillir l'association {self.name}",
            f"Welcome the association {self.name}",
            f"L'association {self.name} demande à rejoindre le nœud. "
            "Elle pourrait publier et faire des maraudes.",
            f"The association {self.name} asks to join the node. "
            "It could post and run outreach rounds.",
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return {"association": self.name, "status": "pending"}, {
            "association": self.name,
            "status": "approved",
        }
