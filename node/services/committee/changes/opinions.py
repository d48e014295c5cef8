"""An opinion a partner node's committee asks ours for: the vote's result is the answer."""

from __future__ import annotations

from typing import ClassVar, Literal

from node.services.committee.changes.payload import BaseChange, Description, Rows
from node.services.committee.rules import Gate


class GiveOpinion(BaseChange):
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

    def describe(self) -> Description:
        return Description(
            f"Avis demandé par {self.asker_domain} : {self.title}"[:200],
            f"Opinion asked by {self.asker_domain}: {self.title}"[:200],
            f"Le comité de {self.asker_domain} nous demande notre avis. {self.summary}".strip(),
            f"The committee of {self.asker_domain} asks for our opinion. {self.summary}".strip(),
        )

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        return {"partner": self.asker_domain}, {"partner": self.asker_domain}
