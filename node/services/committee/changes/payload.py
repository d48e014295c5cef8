"""What every change the committee can be asked about has: a subject (one open proposal per
subject), plain sentences in French and English, and the rows the committee reads before and
after.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from pydantic import BaseModel, ConfigDict

from node.services.committee.rules import Gate

Rows = dict[str, str]


class Description(NamedTuple):
    """What the committee reads first: a title and a few short sentences, in French and in
    English."""

    title_fr: str
    title_en: str
    summary_fr: str
    summary_en: str


class BaseChange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    gate: ClassVar[Gate]  # set by each subclass

    @property
    def subject(self) -> str:
        """What the change is about: one open proposal per subject at a time."""
        raise NotImplementedError

    def describe(self) -> Description:
        """The title and summary in French and English: short, plain sentences."""
        raise NotImplementedError

    def before_after(self, current: Rows) -> tuple[Rows, Rows]:
        raise NotImplementedError

    async def current(self) -> Rows:
        """The state this change would replace, as the committee reads it."""
        return {}


def yes_no(value: bool) -> str:
    return "yes" if value else "no"
