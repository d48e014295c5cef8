"""Which nodes may write to ours: blocking and unblocking a domain, the allowlist mode and the
chosen nodes.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from node.models import AllowedDomain, FederationPolicy
from node.services.committee.changes.payload import BaseChange, Description, Rows, yes_no
from node.services.committee.rules import Gate


class BlockDomain(BaseChange):
    kind: Literal["federation.block"] = "federation.block"
    gate: ClassVar[Gate] = Gate.FEDERATION_POLICY
    domain: str
    reason: str = ""

    @property
    def subject(self) -> str:
        return f"block:{self.domain}"

    def describe(self) -> Description:
        why_fr = f" Raison : {self.reason}" if self.reason else ""
        why_en = f" Reason: {self.reason}" if self.reason else ""
        return Description(
            f"Bloquer {self.domain}",
            f"Block {self.domain}",
            f"Nous refuserions tout ce qui vient de {self.domain}.{why_fr}",
            f"We would refuse everything from {self.domain}.{why_en}",
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return {"domain": self.domain, "blocked": "no"}, {"domain": self.domain, "blocked": "yes"}


class UnblockDomain(BaseChange):
    kind: Literal["federation.unblock"] = "federation.unblock"
    gate: ClassVar[Gate] = Gate.FEDERATION_POLICY
    domain: str

    @property
    def subject(self) -> str:
        return f"block:{self.domain}"

    def describe(self) -> Description:
        return Description(
            f"Débloquer {self.domain}",
            f"Unblock {self.domain}",
            f"Nous accepterions de nouveau ce qui vient de {self.domain}.",
            f"We would accept what comes from {self.domain} again.",
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return {"domain": self.domain, "blocked": "yes"}, {"domain": self.domain, "blocked": "no"}


class SetAllowlist(BaseChange):
    """Allowlist mode and/or the allowed domains (None: unchanged)."""

    kind: Literal["federation.allowlist"] = "federation.allowlist"
    gate: ClassVar[Gate] = Gate.FEDERATION_POLICY
    allowlist_mode: bool | None = None
    allowed_domains: list[str] | None = None

    @property
    def subject(self) -> str:
        return "allowlist"

    def describe(self) -> Description:
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
        return Description("Nœuds autorisés", "Allowed nodes", " ".join(fr), " ".join(en))

    async def current(self) -> Rows:
        policy = await FederationPolicy.get_or_none(id=1)
        domains = await AllowedDomain.all().order_by("domain").values_list("domain", flat=True)
        mode = bool(policy and policy.allowlist_mode)
        return {
            "allowlist_mode": yes_no(mode),
            "allowed_domains": ", ".join(map(str, domains)) or "—",
        }

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        after = dict(current)
        if self.allowlist_mode is not None:
            after["allowlist_mode"] = yes_no(self.allowlist_mode)
        if self.allowed_domains is not None:
            after["allowed_domains"] = ", ".join(sorted(self.allowed_domains)) or "—"
        return current, after
