"""What an accepted partnership shares: a change asked by our admins, or a partner's request to
share more."""

from __future__ import annotations

from typing import ClassVar, Literal
from uuid import UUID

from node.services.committee.changes.payload import BaseChange, Description, Rows
from node.services.committee.rules import Gate


def _listed(scopes: list[str]) -> str:
    return ", ".join(scopes) if scopes else "—"


class ChangePartnershipScopes(BaseChange):
    """Our admins change what we share with a partner: what goes stops at once, what comes is
    asked of the partner (who must accept it)."""

    kind: Literal["partnership.scopes"] = "partnership.scopes"
    gate: ClassVar[Gate] = Gate.PARTNERSHIPS
    partnership_id: UUID
    domain: str
    before: list[str]
    after: list[str]
    message: str = ""

    @property
    def subject(self) -> str:
        return f"partnership:{self.partnership_id}"

    def describe(self) -> Description:
        removed = [s for s in self.before if s not in self.after]
        added = [s for s in self.after if s not in self.before]
        fr = [f"Nous changerions ce que nous partageons avec {self.domain}."]
        en = [f"We would change what we share with {self.domain}."]
        if removed:
            fr.append(f"Nous arrêterions de partager : {_listed(removed)}.")
            en.append(f"We would stop sharing: {_listed(removed)}.")
        if added:
            fr.append(f"Nous proposerions de partager aussi : {_listed(added)}.")
            fr.append(f"Le nœud {self.domain} devra l'accepter.")
            en.append(f"We would offer to share also: {_listed(added)}.")
            en.append(f"The node {self.domain} must accept it.")
        return Description(
            f"Partage avec {self.domain}",
            f"Sharing with {self.domain}",
            " ".join(fr),
            " ".join(en),
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        before = {"partner": self.domain, "scopes": _listed(self.before)}
        return before, {**before, "scopes": _listed(self.after)}


class AcceptPartnershipScopes(BaseChange):
    """A partner asks to share more with us: accepting it is sharing more, as a partnership is."""

    kind: Literal["partnership.scopes.accept"] = "partnership.scopes.accept"
    gate: ClassVar[Gate] = Gate.PARTNERSHIPS
    offer_id: UUID
    partnership_id: UUID
    domain: str
    before: list[str]
    added: list[str]

    @property
    def subject(self) -> str:
        return f"partnership-scopes:{self.offer_id}"

    def describe(self) -> Description:
        added = _listed(self.added)
        return Description(
            f"Partager plus avec {self.domain}",
            f"Sharing more with {self.domain}",
            f"Le nœud {self.domain} demande de partager aussi : {added}. "
            "Nous le partagerions dans les deux sens.",
            f"The node {self.domain} asks to share also: {added}. We would share it both ways.",
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        after = sorted({*self.before, *self.added})
        before = {"partner": self.domain, "scopes": _listed(self.before)}
        return before, {**before, "scopes": _listed(after)}
