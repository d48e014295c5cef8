"""AS2 objects Entraide sends: notes, places, needs and offers (FEP-0837 ``Proposal``), events,
tombstones, partnerships and outreach visits. Embedded in the activities of
:mod:`federation.build`; a top-level one carries ``@context`` (:func:`build.with_context`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from federation.build import Json, _clean, iso
from federation.vocab import (
    ENTRAIDE_NS,
    PUBLIC,
    ActionCategory,
    ActionKind,
    ActionStatus,
    PartnershipScope,
    ProposalPurpose,
)

# --- objects ---------------------------------------------------------------------------------


def note(
    *,
    id: str,
    attributed_to: str,
    content: str,
    to: Sequence[str] = (PUBLIC,),
    cc: Sequence[str] = (),
    published: dt.datetime | None = None,
    summary: str | None = None,
    in_reply_to: str | None = None,
    url: str | None = None,
) -> Json:
    return _clean(
        {
            "id": id,
            "type": "Note",
            "attributedTo": attributed_to,
            "content": content,
            "summary": summary,
            "inReplyTo": in_reply_to,
            "url": url,
            "to": list(to),
            "cc": list(cc),
            "published": iso(published) if published else None,
        }
    )


def place(
    *,
    name: str | None = None,
    latitude: float | None = None,
    longitude: float | None = None,
    id: str | None = None,
    radius: float | None = None,
    precision: int = 4,
) -> Json:
    """An AS2 ``Place``. The coordinates must already be coarsened (DESIGN §5); they are also
    rounded to ``precision`` decimals here (4 ≈ 11 m) so no finer value leaks by accident."""
    return _clean(
        {
            "id": id,
            "type": "Place",
            "name": name,
            "latitude": round(latitude, precision) if latitude is not None else None,
            "longitude": round(longitude, precision) if longitude is not None else None,
            "radius": radius,
            "units": "m" if radius is not None else None,
        }
    )


PROPOSAL_TYPES: tuple[str, ...] = ("Note", "Proposal")


def category_iri(category: ActionCategory) -> str:
    return f"{ENTRAIDE_NS}category-{category.value}"


def proposal(
    *,
    id: str,
    attributed_to: str,
    kind: ActionKind,
    name: str,
    content: str,
    category: ActionCategory,
    status: ActionStatus = ActionStatus.OPEN,
    summary: str | None = None,
    location: Mapping[str, Any] | None = None,
    to: Sequence[str] = (PUBLIC,),
    cc: Sequence[str] = (),
    published: dt.datetime | None = None,
    end_time: dt.datetime | None = None,
    url: str | None = None,
) -> Json:
    """A need (``purpose: request``) or an offer (``purpose: offer``) as an FEP-0837 Proposal,
    multi-typed ``["Note", "Proposal"]`` (:data:`PROPOSAL_TYPES`).

    Mastodon keeps an object only when its ``type`` equals or includes ``Note`` (or a type it
    converts: ``JsonLdHelper#equals_or_includes_any?`` in ``Activity::Create``), then shows its
    ``content`` and takes ``summary`` as a content warning; Misskey reads the *first* type of an
    array. So ``Note`` comes first, ``content`` must read well on its own, and ``summary`` is
    left out unless a caller really means a warning. Entraide nodes and JSON-LD processors see
    the ``vf:Proposal`` with every term (``purpose``, ``publishes``, ``actionKind`` …).
    """
    purpose = ProposalPurpose.REQUEST if kind is ActionKind.NEED else ProposalPurpose.OFFER
    return _clean(
        {
            "id": id,
            "type": list(PROPOSAL_TYPES),
            "attributedTo": attributed_to,
            "name": name,
            "content": content,
            "summary": summary,
            "url": url or id,
            "purpose": purpose.value,
            "publishes": {
                "id": f"{id}#primary",
                "type": "Intent",
                "action": "deliverService"
                if category in (ActionCategory.SOCIAL, ActionCategory.SERVICES)
                else "transfer",
                "resourceConformsTo": category_iri(category),
                "resourceQuantity": {
                    "hasUnit": "http://www.ontology-of-units-of-measure.org/resource/om-2/one",
                    "hasNumericalValue": "1",
                },
            },
            "unitBased": False,
            "actionKind": kind.value,
            "actionCategory": category.value,
            "actionStatus": status.value,
            "location": dict(location) if location else None,
            "endTime": iso(end_time) if end_time else None,
            "to": list(to),
            "cc": list(cc),
            "published": iso(published) if published else None,
        }
    )


def event(
    *,
    id: str,
    attributed_to: str,
    name: str,
    content: str,
    start_time: dt.datetime,
    end_time: dt.datetime | None = None,
    location: Mapping[str, Any] | None = None,
    category: ActionCategory | None = None,
    status: ActionStatus = ActionStatus.OPEN,
    to: Sequence[str] = (PUBLIC,),
    cc: Sequence[str] = (),
    published: dt.datetime | None = None,
    url: str | None = None,
) -> Json:
    """An outing as an AS2 ``Event`` (Mobilizon and Gancio display these)."""
    return _clean(
        {
            "id": id,
            "type": "Event",
            "attributedTo": attributed_to,
            "name": name,
            "content": content,
            "url": url or id,
            "startTime": iso(start_time),
            "endTime": iso(end_time) if end_time else None,
            "location": dict(location) if location else None,
            "actionKind": ActionKind.OUTING.value,
            "actionCategory": category.value if category else None,
            "actionStatus": status.value,
            "to": list(to),
            "cc": list(cc),
            "published": iso(published) if published else None,
        }
    )


def tombstone(
    *, id: str, former_type: str | None = None, deleted: dt.datetime | None = None
) -> Json:
    # AS2 types formerType as an IRI (@type @id): a bare "Note" would be resolved as a relative
    # IRI, so it is written as the compact IRI "as:Note", which every JSON-LD processor expands.
    former = f"as:{former_type}" if former_type and ":" not in former_type else former_type
    return _clean(
        {
            "id": id,
            "type": "Tombstone",
            "formerType": former,
            "deleted": iso(deleted) if deleted else None,
        }
    )


def partnership(
    *, id: str, attributed_to: str, scopes: Iterable[PartnershipScope], summary: str | None = None
) -> Json:
    """The object of a partnership ``Offer`` (DESIGN §4: scoped, two-way "instance follow")."""
    return _clean(
        {
            "id": id,
            "type": "Partnership",
            "attributedTo": attributed_to,
            "partnershipScope": [s.value for s in scopes],
            "summary": summary,
        }
    )


def visit(
    *,
    id: str,
    attributed_to: str,
    cell: str,
    start_time: dt.datetime,
    end_time: dt.datetime,
    given_items: Sequence[str] = (),
    asleep: bool = False,
    to: Sequence[str] = (),
) -> Json:
    """What partners may know of an outreach encounter (DESIGN §5): an area (an H3 cell), a time
    window, what was given, and "asleep — do not wake". Nothing about the person."""
    return _clean(
        {
            "id": id,
            "type": "Visit",
            "attributedTo": attributed_to,
            "cell": cell,
            "startTime": iso(start_time),
            "endTime": iso(end_time),
            "givenItems": list(given_items),
            "asleep": asleep,
            "to": list(to),
        }
    )
