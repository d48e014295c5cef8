"""The inbox dispatch table: (activity type, object type) → handler, and what the sender needs.

One explicit, immutable table (DESIGN §3: "handler for that (activity, object) pair (one explicit
table)"). Each :class:`Route` names its handler and the partnership scope the sender's node must
hold for it to be acted upon; the scope is checked here, once, before the handler runs (a sender
without it gets its row ``ignored`` with the reason). Routes without a scope are open to any
admitted sender; their handlers check ownership themselves (only the owner deletes, only a chat
member writes, …). docs/federation.md shows this table for the developers of other nodes.

Lookup tries the exact (type, object type) first, then (type, None): ``object=None`` stands for
"any object", which is what an object given only by its IRI needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, Literal

from federation.parse import Activity
from federation.vocab import PartnershipScope
from node.fed.handlers import (
    actions,
    actors,
    calls,
    committee,
    flags,
    follow,
    participations,
    partnerships,
    places,
    visits,
)
from node.fed.handlers.context import Handler, Ignore, InboxContext
from node.fed.serializers import NEED_OFFER_TYPE
from node.services import partnerships as partnership_service

ANY_SCOPE: Final = "any"  # an accepted partnership, whatever its scopes


@dataclass(frozen=True)
class Route:
    activity: str
    object: str | None
    handler: Handler
    # The partnership the sender's node must hold: one scope, ANY_SCOPE, or None (anyone).
    scope: PartnershipScope | Literal["any"] | None = None

    async def run(self, ctx: InboxContext, activity: Activity) -> None:
        if self.scope is not None:
            wanted = None if self.scope == ANY_SCOPE else PartnershipScope(self.scope).value
            if not await partnership_service.is_partner_domain(ctx.sender.domain, wanted):
                raise Ignore(f"{ctx.sender.domain} is not a partner for {wanted or 'anything'}")
        await self.handler(ctx, activity)


class Routes(Mapping[tuple[str, str | None], Route]):
    """An immutable table of routes; two routes for one pair is a programming error."""

    def __init__(self, routes: Iterable[Route]) -> None:
        table: dict[tuple[str, str | None], Route] = {}
        for route in routes:
            key = (route.activity, route.object)
            if key in table:
                raise ValueError(f"two inbox routes for {key}")
            table[key] = route
        self._table = MappingProxyType(table)

    def __getitem__(self, key: tuple[str, str | None]) -> Route:
        return self._table[key]

    def __iter__(self) -> Iterator[tuple[str, str | None]]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def find(self, activity_type: str, object_type: str | None) -> Route | None:
        if object_type is not None:
            exact = self._table.get((activity_type, object_type))
            if exact is not None:
                return exact
        return self._table.get((activity_type, None))

    def with_routes(self, *extra: Route) -> Routes:
        """A copy with more routes (tests add handlers of their own this way)."""
        return Routes([*self._table.values(), *extra])


PUBLIC_NEEDS = PartnershipScope.PUBLIC_NEEDS
OUTREACH = PartnershipScope.OUTREACH
CALLS = PartnershipScope.CALLS
GUIDE = PartnershipScope.GUIDE
# The actor types Mastodon accepts in an Update of an account (ActivityPub::Activity::Update).
ACTOR_TYPES = ("Person", "Group", "Application", "Service", "Organization")

INBOUND = Routes(
    [
        # Anyone on the fediverse may follow the instance or an association actor.
        Route("Follow", None, follow.follow),
        Route("Undo", "Follow", follow.undo_follow),
        Route("Undo", None, follow.undo_by_reference),
        # A partner's association answers the Follow our instance actor sent for our members.
        Route("Accept", "Follow", follow.accept_follow),
        Route("Reject", "Follow", follow.reject_follow),
        # Public needs, offers and outings of partner nodes.
        Route("Create", NEED_OFFER_TYPE, actions.create_action, PUBLIC_NEEDS),
        Route("Create", "Event", actions.create_action, PUBLIC_NEEDS),
        Route("Update", NEED_OFFER_TYPE, actions.update_action, PUBLIC_NEEDS),
        Route("Update", "Event", actions.update_action, PUBLIC_NEEDS),
        Route("Delete", NEED_OFFER_TYPE, actions.delete_action, None),
        Route("Delete", "Event", actions.delete_action, None),
        # Taking part in our actions, and the answers to our members' Joins.
        Route("Join", None, participations.join, PUBLIC_NEEDS),
        Route("Offer", None, participations.offer, PUBLIC_NEEDS),
        Route("Leave", None, participations.leave),
        # An Accept/Reject of a Join is of a participation, or of an answer to a call.
        Route("Accept", "Join", calls.accept_join),
        Route("Reject", "Join", calls.reject_join),
        # A chat message, or a partner committee's answer to our committee's question
        # (or words between a call's association and its respondents)
        Route("Create", "Note", calls.create_note),
        # Calls for help of partners with the calls scope, and their members' answers to ours
        # (an Undo of an Offer is a withdrawn pledge or an ended partnership offer).
        Route("Create", "Call", calls.create_call, CALLS),
        Route("Update", "Call", calls.update_call, CALLS),
        Route("Join", "Call", calls.join_call, CALLS),
        Route("Offer", "Intent", calls.offer_to_call, CALLS),
        Route("Undo", "Join", calls.undo_join),
        # The call's node counted our member's answer or not (the answer by id only).
        Route("Accept", None, calls.accept_answer),
        Route("Reject", None, calls.reject_answer),
        # Partnerships themselves: asked, answered, ended (an Offer of one held: to share more).
        Route("Offer", "Partnership", partnerships.offer_partnership),
        Route("Accept", "Offer", calls.accept_offer),
        Route("Reject", "Offer", calls.reject_offer),
        Route("Undo", "Offer", calls.undo_offer),
        Route("Undo", "Accept", partnerships.undo_accept),
        # An accepted partnership shares less (Update) or is asked to share more (Offer above).
        Route("Update", "Partnership", partnerships.update_partnership),
        # Partner committees asking ours for an opinion (FEP-9967 Question).
        Route("Create", "Question", committee.create_question, ANY_SCOPE),
        # Outreach visits of partner associations.
        Route("Create", "Visit", visits.create_visit, OUTREACH),
        Route("Create", "ent:Visit", visits.create_visit, OUTREACH),
        Route("Delete", "Visit", visits.delete_visit),
        Route("Delete", "ent:Visit", visits.delete_visit),
        # Places of partners' solidarity guides (an Update of one we missed is stored too).
        Route("Create", "Place", places.receive_place, GUIDE),
        Route("Update", "Place", places.receive_place, GUIDE),
        Route("Delete", "Place", places.delete_place),
        # A deleted object (call, action, visit or place) or a deleted account, by tombstone or IRI
        # (a partner's call first: its association deleted it, or itself)
        Route("Delete", "Tombstone", calls.delete_object),
        Route("Delete", None, calls.delete_object),
        *(Route("Delete", t, calls.delete_object) for t in ACTOR_TYPES),
        # A moderation report from any server: it waits in the queue for a moderator.
        Route("Flag", None, flags.flag),
        # An account's new profile or key, from the account itself.
        *(Route("Update", t, actors.update_actor) for t in ACTOR_TYPES),
    ]
)
