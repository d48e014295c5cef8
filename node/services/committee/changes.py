"""Every change the committee can be asked about, as a typed payload.

A proposal stores ``change.model_dump(mode="json")``; once approved, the node parses it back and
calls the change's executor (:mod:`.executors`, a table the node is built with), which goes
through the same service function an admin's action calls, with the
:class:`~node.models.Decision` in hand so that the gate lets it pass. This module imports none
of the services it changes: they import it (to open proposals), never the other way round. The
``before``/``after`` rows are what the committee reads: plain values, no ids.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from node.models import AllowedDomain, CommitteeRole, FederationPolicy
from node.services.charter_text import charter_in_force
from node.services.committee.rules import Gate, get_committee

if TYPE_CHECKING:
    pass

Rows = dict[str, str]


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    gate: ClassVar[Gate]  # set by each subclass

    @property
    def subject(self) -> str:
        """What the change is about: one open proposal per subject at a time."""
        raise NotImplementedError

    def describe(self) -> tuple[str, str, str]:
        """(French title, French summary, English summary): short, plain sentences."""
        raise NotImplementedError

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        raise NotImplementedError

    async def current(self) -> Rows:
        """The state this change would replace, as the committee reads it."""
        return {}


def _yes(value: bool) -> str:
    return "yes" if value else "no"


class AcceptPartnership(_Change):
    kind: Literal["partnership.accept"] = "partnership.accept"
    gate: ClassVar[Gate] = Gate.PARTNERSHIPS
    partnership_id: UUID
    domain: str
    scopes: list[str]

    @property
    def subject(self) -> str:
        return f"partnership:{self.partnership_id}"

    def describe(self) -> tuple[str, str, str]:
        shared = ", ".join(self.scopes)
        return (
            f"Partenariat avec {self.domain}",
            f"Le nœud {self.domain} demande un partenariat. Nous partagerions : {shared}.",
            f"The node {self.domain} asks for a partnership. We would share: {shared}.",
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        before = {"partner": self.domain, "partnership": "pending", "scopes": "—"}
        return before, {**before, "partnership": "accepted", "scopes": ", ".join(self.scopes)}


class EndPartnership(_Change):
    kind: Literal["partnership.end"] = "partnership.end"
    gate: ClassVar[Gate] = Gate.PARTNERSHIPS
    partnership_id: UUID
    domain: str
    scopes: list[str]

    @property
    def subject(self) -> str:
        return f"partnership:{self.partnership_id}"

    def describe(self) -> tuple[str, str, str]:
        return (
            f"Fin du partenariat avec {self.domain}",
            f"Nous arrêterions le partenariat avec {self.domain}. "
            "Ce qu'il partage quitterait notre nœud.",
            f"We would end the partnership with {self.domain}. "
            "What it shares would leave our node.",
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        scopes = ", ".join(self.scopes)
        before = {"partner": self.domain, "partnership": "accepted", "scopes": scopes}
        return before, {**before, "partnership": "ended", "scopes": "—"}


class BlockDomain(_Change):
    kind: Literal["federation.block"] = "federation.block"
    gate: ClassVar[Gate] = Gate.FEDERATION_POLICY
    domain: str
    reason: str = ""

    @property
    def subject(self) -> str:
        return f"block:{self.domain}"

    def describe(self) -> tuple[str, str, str]:
        why_fr = f" Raison : {self.reason}" if self.reason else ""
        why_en = f" Reason: {self.reason}" if self.reason else ""
        return (
            f"Bloquer {self.domain}",
            f"Nous refuserions tout ce qui vient de {self.domain}.{why_fr}",
            f"We would refuse everything from {self.domain}.{why_en}",
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return {"domain": self.domain, "blocked": "no"}, {"domain": self.domain, "blocked": "yes"}


class UnblockDomain(_Change):
    kind: Literal["federation.unblock"] = "federation.unblock"
    gate: ClassVar[Gate] = Gate.FEDERATION_POLICY
    domain: str

    @property
    def subject(self) -> str:
        return f"block:{self.domain}"

    def describe(self) -> tuple[str, str, str]:
        return (
            f"Débloquer {self.domain}",
            f"Nous accepterions de nouveau ce qui vient de {self.domain}.",
            f"We would accept what comes from {self.domain} again.",
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return {"domain": self.domain, "blocked": "yes"}, {"domain": self.domain, "blocked": "no"}


class SetAllowlist(_Change):
    """Allowlist mode and/or the allowed domains (None: unchanged)."""

    kind: Literal["federation.allowlist"] = "federation.allowlist"
    gate: ClassVar[Gate] = Gate.FEDERATION_POLICY
    allowlist_mode: bool | None = None
    allowed_domains: list[str] | None = None

    @property
    def subject(self) -> str:
        return "allowlist"

    def describe(self) -> tuple[str, str, str]:
        fr, en = [], []
        if self.allowlist_mode is not None:
            fr.append(
                "Seuls les nœuds choisis pourraient nous écrire."
                if self.allowlist_mode
                else "Tous les nœuds non bloqués pourraient nous écrire."
            )
            en.append(
                "Only chosen nodes could write to us."
                if self.allowlist_mode
                else "Every node that is not blocked could write to us."
            )
        if self.allowed_domains is not None:
            fr.append("La liste des nœuds choisis changerait.")
            en.append("The list of chosen nodes would change.")
        return "Nœuds autorisés", " ".join(fr), " ".join(en)

    async def current(self) -> Rows:
        policy = await FederationPolicy.get_or_none(id=1)
        domains = await AllowedDomain.all().order_by("domain").values_list("domain", flat=True)
        mode = bool(policy and policy.allowlist_mode)
        return {
            "allowlist_mode": _yes(mode),
            "allowed_domains": ", ".join(map(str, domains)) or "—",
        }

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        after = dict(current)
        if self.allowlist_mode is not None:
            after["allowlist_mode"] = _yes(self.allowlist_mode)
        if self.allowed_domains is not None:
            after["allowed_domains"] = ", ".join(sorted(self.allowed_domains)) or "—"
        return current, after


class ApproveAssociation(_Change):
    kind: Literal["association.approve"] = "association.approve"
    gate: ClassVar[Gate] = Gate.ASSOCIATIONS
    association_id: UUID
    name: str

    @property
    def subject(self) -> str:
        return f"association:{self.association_id}"

    def describe(self) -> tuple[str, str, str]:
        return (
            f"Accueillir l'association {self.name}",
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


class AddSeat(_Change):
    kind: Literal["committee.seat_add"] = "committee.seat_add"
    gate: ClassVar[Gate] = Gate.COMMITTEE
    member_id: UUID
    name: str
    role: CommitteeRole = CommitteeRole.MEMBER
    consent_statement: str | None = None

    @property
    def subject(self) -> str:
        return f"seat:{self.member_id}"

    def describe(self) -> tuple[str, str, str]:
        return (
            f"{self.name} rejoint le comité",
            f"{self.name} entrerait au comité de la rue.",
            f"{self.name} would join the street committee.",
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return {"member": self.name, "seat": "no"}, {"member": self.name, "seat": self.role.value}


class RemoveSeat(_Change):
    kind: Literal["committee.seat_remove"] = "committee.seat_remove"
    gate: ClassVar[Gate] = Gate.COMMITTEE
    member_id: UUID
    name: str

    @property
    def subject(self) -> str:
        return f"seat:{self.member_id}"

    def describe(self) -> tuple[str, str, str]:
        return (
            f"{self.name} quitte le comité",
            f"{self.name} sortirait du comité de la rue.",
            f"{self.name} would leave the street committee.",
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return {"member": self.name, "seat": "yes"}, {"member": self.name, "seat": "no"}


class ChangeRules(_Change):
    kind: Literal["committee.rules"] = "committee.rules"
    gate: ClassVar[Gate] = Gate.COMMITTEE
    quorum: int = Field(ge=1, le=100)
    voting_days: int = Field(ge=1, le=60)

    @property
    def subject(self) -> str:
        return "rules"

    def describe(self) -> tuple[str, str, str]:
        return (
            "Règles du comité",
            f"Il faudrait {self.quorum} votants. Un vote durerait {self.voting_days} jours.",
            f"A vote would need {self.quorum} voters and last {self.voting_days} days.",
        )

    async def current(self) -> Rows:
        c = await get_committee()
        return {"quorum": str(c.quorum), "voting_days": str(c.voting_days)}

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return current, {"quorum": str(self.quorum), "voting_days": str(self.voting_days)}


class ChangeGates(_Change):
    kind: Literal["committee.gates"] = "committee.gates"
    gate: ClassVar[Gate] = Gate.COMMITTEE
    gates: list[Gate]

    @property
    def subject(self) -> str:
        return "gates"

    def describe(self) -> tuple[str, str, str]:
        names = ", ".join(g.value for g in self.gates) or "—"
        return (
            "Ce que le comité décide",
            f"Le comité déciderait de : {names}.",
            f"The committee would decide on: {names}.",
        )

    async def current(self) -> Rows:
        return {"gates": ", ".join((await get_committee()).gate_list) or "—"}

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return current, {"gates": ", ".join(g.value for g in self.gates) or "—"}


def _changed_lines(before: str, after: str) -> str:
    """The lines that go (``-``) and come (``+``), for the committee to read the change."""
    lines = difflib.ndiff(before.splitlines(), after.splitlines())
    return "\n".join(line for line in lines if line[:2] in ("- ", "+ ")) or "—"


class ChangeCharter(_Change):
    """A new version of the node's ethics charter; members accept it again on their next visit."""

    kind: Literal["charter.change"] = "charter.change"
    gate: ClassVar[Gate] = Gate.CHARTER
    text_fr: str
    text_en: str

    @property
    def subject(self) -> str:
        return "charter"

    def describe(self) -> tuple[str, str, str]:
        return (
            "Nouvelle version de la charte",
            "La charte du nœud changerait. Chaque membre devrait l'accepter de nouveau.",
            "The node's charter would change. Every member would accept it again.",
        )

    async def current(self) -> Rows:
        charter = await charter_in_force()
        return {
            "version": str(charter.version),
            "text_fr": charter.text_fr,
            "text_en": charter.text_en,
        }

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        after = {
            "version": str(int(current["version"]) + 1),
            "text_fr": self.text_fr,
            "text_en": self.text_en,
            "changed_fr": _changed_lines(current["text_fr"], self.text_fr),
            "changed_en": _changed_lines(current["text_en"], self.text_en),
        }
        return current, after


class GiveOpinion(_Change):
    """A partner node's committee asks ours for an opinion: the vote's result is our answer
    (nothing changes here)."""

    kind: Literal["opinion.give"] = "opinion.give"
    gate: ClassVar[Gate] = Gate.COMMITTEE
    question_iri: str
    asker_actor: str
    asker_domain: str
    title: str
    summary: str

    @property
    def subject(self) -> str:
        return f"question:{self.question_iri}"

    def describe(self) -> tuple[str, str, str]:
        return (
            f"Avis demandé par {self.asker_domain} : {self.title}"[:200],
            f"Le comité de {self.asker_domain} nous demande notre avis. {self.summary}".strip(),
            f"The committee of {self.asker_domain} asks for our opinion. {self.summary}".strip(),
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return {"partner": self.asker_domain}, {"partner": self.asker_domain}


Change = Annotated[
    AcceptPartnership
    | EndPartnership
    | BlockDomain
    | UnblockDomain
    | SetAllowlist
    | ApproveAssociation
    | AddSeat
    | RemoveSeat
    | ChangeRules
    | ChangeGates
    | GiveOpinion
    | ChangeCharter,
    Field(discriminator="kind"),
]
CHANGE = TypeAdapter[Change](Change)


def parse_change(payload: object) -> Change:
    """The typed change stored in a proposal."""
    return CHANGE.validate_python(payload)


def dump_change(change: Change) -> dict[str, object]:
    return change.model_dump(mode="json")
