"""Partnerships with other nodes: accepting one asked for, ending one."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from node.services.committee.changes.payload import BaseChange, Description, Rows
from node.services.committee.rules import Gate


class AcceptPartnership(BaseChange):
    kind: Literal["partnership.accept"] = "partnership.accept"
    gate: ClassVar[Gate] = Gate.PARTNERSHIPS
    partnership_id: UUID
    domain: str
    scopes: list[str]

    @property
    def subject(self) -> str:
        return f"partnership:{self.partnership_id}"

    def describe(self) -> Description:
        shared = ", ".join(self.scopes)
        return Description(
            f"Partenariat avec {self.domain}",
            f"Partnership with {self.domain}",
            f"Le nœud {self.domain} demande un partenariat. Nous partagerions : {shared}.",
            f"The node {self.domain} asks for a partnership. We would share: {shared}.",
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        before = {"partner": self.domain, "partnership": "pending", "scopes": "—"}
        return before, {**before, "partnership": "accepted", "scopes": ", ".join(self.scopes)}


class EndPartnership(BaseChange):
    kind: Literal["partnership.end"] = "partnership.end"
    gate: ClassVar[Gate] = Gate.PARTNERSHIPS
    partnership_id: UUID
    domain: str
    scopes: list[str]

    @property
    def subject(self) -> str:
        return f"partnership:{self.partnership_id}"

    def describe(self) -> Description:
        return Description(
            f"Fin du partenariat avec {self.domain}",
            f"End of the partnership with {self.domain}",
            f"Nous arrêterions le partenariat avec {self.domain}. "
            "Ce qu'il partage quitterait notre nœud.",
            f"We would end the partnership with {self.domain}. "
            "What it shares would leave our node.",
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        scopes = ", ".join(self.scopes)
        before = {"partner": self.domain, "partnership": "accepted", "scopes": scopes}
        return before, {**before, "partnership": "ended", "scopes": "—"}
