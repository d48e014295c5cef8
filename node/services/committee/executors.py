"""Who carries out each approved change: a table from a change's ``kind`` to the service
function that makes it, with the decision in hand.

The services that open proposals import :mod:`.changes`; if the changes called those services
back, the two would import each other. So the table is filled where the node is built
(:func:`node.wiring.build_node` calls :func:`register`), and :mod:`.closing` looks the executor
up on the node (``node.committee_executors``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from node.models import Decision
from node.services import (
    associations,
    charter,
    federation_policy,
    house_rules,
    partnership_scopes,
    partnerships,
)
from node.services.committee import opinions, seats
from node.services.committee.changes import (
    AcceptPartnership,
    AcceptPartnershipScopes,
    AddSeat,
    ApproveAssociation,
    BlockDomain,
    Change,
    ChangeCharter,
    ChangeGates,
    ChangeHouseRules,
    ChangePartnershipScopes,
    ChangeRules,
    EndPartnership,
    GiveOpinion,
    RemoveSeat,
    SetAllowlist,
    UnblockDomain,
)
from node.state import NodeState

Executor = Callable[[NodeState, Any, Decision], Awaitable[None]]


async def _accept_partnership(node: NodeState, c: AcceptPartnership, d: Decision) -> None:
    p = await partnerships.get_partnership(c.partnership_id)
    await partnerships.decide_partnership(node, p, accept=True, decided_by=None, decision=d)


async def _end_partnership(node: NodeState, c: EndPartnership, d: Decision) -> None:
    p = await partnerships.get_partnership(c.partnership_id)
    await partnerships.end_partnership(node, p, decision=d)


async def _change_scopes(node: NodeState, c: ChangePartnershipScopes, d: Decision) -> None:
    p = await partnerships.get_partnership(c.partnership_id)
    await partnership_scopes.change_scopes(node, p, c.after, message=c.message, decision=d)


async def _accept_scopes(node: NodeState, c: AcceptPartnershipScopes, d: Decision) -> None:
    offer = await partnership_scopes.get_offer(c.offer_id)
    await partnership_scopes.decide_widening(node, offer, accept=True, decided_by=None, decision=d)


async def _block(node: NodeState, c: BlockDomain, d: Decision) -> None:
    await federation_policy.block_domain(c.domain, c.reason, node=node, decision=d)


async def _unblock(node: NodeState, c: UnblockDomain, d: Decision) -> None:
    await federation_policy.unblock_domain(c.domain, node=node, decision=d)


async def _allowlist(node: NodeState, c: SetAllowlist, d: Decision) -> None:
    await federation_policy.set_policy(
        allowlist_mode=c.allowlist_mode, allowed_domains=c.allowed_domains, node=node, decision=d
    )


async def _approve_association(node: NodeState, c: ApproveAssociation, d: Decision) -> None:
    association = await associations.get_association(c.association_id)
    await associations.decide(association, True, node=node, decision=d)


async def _add_seat(node: NodeState, c: AddSeat, d: Decision) -> None:
    await seats.add_seat(node, c, decision=d)


async def _remove_seat(node: NodeState, c: RemoveSeat, d: Decision) -> None:
    await seats.remove_seat(node, c, decision=d)


async def _rules(node: NodeState, c: ChangeRules, d: Decision) -> None:
    await seats.change_rules(node, c, decision=d)


async def _gates(node: NodeState, c: ChangeGates, d: Decision) -> None:
    await seats.change_gates(node, c, decision=d)


async def _opinion(node: NodeState, c: GiveOpinion, d: Decision) -> None:
    await opinions.send_answer(node, c, d)


async def _charter(node: NodeState, c: ChangeCharter, d: Decision) -> None:
    await charter.publish(node, c.text_fr, c.text_en, decision=d)


async def _house_rules(node: NodeState, c: ChangeHouseRules, d: Decision) -> None:
    await house_rules.apply(node, c, decision=d)


_TABLE: tuple[tuple[type[Change], Executor], ...] = (
    (AcceptPartnership, _accept_partnership),
    (EndPartnership, _end_partnership),
    (ChangePartnershipScopes, _change_scopes),
    (AcceptPartnershipScopes, _accept_scopes),
    (BlockDomain, _block),
    (UnblockDomain, _unblock),
    (SetAllowlist, _allowlist),
    (ApproveAssociation, _approve_association),
    (AddSeat, _add_seat),
    (RemoveSeat, _remove_seat),
    (ChangeRules, _rules),
    (ChangeGates, _gates),
    (GiveOpinion, _opinion),
    (ChangeCharter, _charter),
    (ChangeHouseRules, _house_rules),
)


def register(table: dict[str, Executor]) -> None:
    """Fill a node's table of executors (every kind of change has one)."""
    for change_type, executor in _TABLE:
        table[change_type.model_fields["kind"].default] = executor
