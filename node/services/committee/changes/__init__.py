"""Every change the committee can be asked about, as a typed payload.

A proposal stores ``change.model_dump(mode="json")``; once approved, the node parses it back and
calls the change's executor (:mod:`.executors`, a table the node is built with), which goes
through the same service function an admin's action calls, with the
:class:`~node.models.Decision` in hand so that the gate lets it pass. This module imports none
of the services it changes: they import it (to open proposals), never the other way round. The
``before``/``after`` rows are what the committee reads: plain values, no ids.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, TypeAdapter

from node.services.committee.changes.associations import ApproveAssociation
from node.services.committee.changes.charter import ChangeCharter
from node.services.committee.changes.domains import BlockDomain, SetAllowlist, UnblockDomain
from node.services.committee.changes.house_rules import ChangeHouseRules, RuleItem
from node.services.committee.changes.opinions import GiveOpinion
from node.services.committee.changes.partnerships import AcceptPartnership, EndPartnership
from node.services.committee.changes.payload import BaseChange, Description, Rows
from node.services.committee.changes.scopes import AcceptPartnershipScopes, ChangePartnershipScopes
from node.services.committee.changes.seats import AddSeat, ChangeGates, ChangeRules, RemoveSeat

__all__ = [
    "CHANGE",
    "AcceptPartnership",
    "AcceptPartnershipScopes",
    "AddSeat",
    "ApproveAssociation",
    "BaseChange",
    "BlockDomain",
    "Change",
    "ChangeCharter",
    "ChangeGates",
    "ChangeHouseRules",
    "ChangePartnershipScopes",
    "ChangeRules",
    "Description",
    "EndPartnership",
    "GiveOpinion",
    "RemoveSeat",
    "Rows",
    "RuleItem",
    "SetAllowlist",
    "UnblockDomain",
    "dump_change",
    "parse_change",
]

Change = Annotated[
    AcceptPartnership
    | EndPartnership
    | ChangePartnershipScopes
    | AcceptPartnershipScopes
    | BlockDomain
    | UnblockDomain
    | SetAllowlist
    | ApproveAssociation
    | AddSeat
    | RemoveSeat
    | ChangeRules
    | ChangeGates
    | GiveOpinion
    | ChangeCharter
    | ChangeHouseRules,
    Field(discriminator="kind"),
]
CHANGE = TypeAdapter[Change](Change)


def parse_change(payload: object) -> Change:
    """The typed change stored in a proposal."""
    return CHANGE.validate_python(payload)


def dump_change(change: Change) -> dict[str, object]:
    return change.model_dump(mode="json")
