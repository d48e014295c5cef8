"""Inputs about associations: asking for one, adding a proxy profile for a person it helps."""

from __future__ import annotations

from typing import Annotated, Literal

from node.services.inputs.types import Strict, Text

NAME = Text(2, 120)
DESCRIPTION = Text(0, 5000, lines=True)
PSEUDONYM = Text(1, 50)
CONSENT_STATEMENT = Text(5, 500, lines=True)


class AssociationRequest(Strict):
    name: Annotated[str, NAME]
    description: Annotated[str, DESCRIPTION] = ""


class ProxyProfile(Strict):
    """``consent`` must be ``true``; ``consent_statement`` says how the person gave it."""

    pseudonym: Annotated[str, PSEUDONYM]
    consent: Literal[True]
    consent_statement: Annotated[str, CONSENT_STATEMENT]
