"""A tolerant ActivityStreams parser for what Mastodon, Mobilizon, GoToSocial and Entraide send.

AS2 allows almost every property to be a single value or an array, a link (an IRI string, or a
``Link`` object) or an embedded object; servers use all of these. The models normalise the shape
(lists where AS2 allows several values, ``Ref`` = IRI or embedded object) and keep unknown fields
(``model_extra``), so nothing a handler might need is thrown away. Documents are read as plain
JSON in compacted form — no JSON-LD processing, no network.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any, TypeAlias

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WrapValidator

from federation.errors import ParseError
from federation.vocab import ACTIVITY_TYPES, ACTOR_TYPES, PUBLIC, PUBLIC_ALIASES


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def _refs(value: Any) -> list[Any]:
    out: list[Any] = []
    for item in _as_list(value):
        if isinstance(item, str):
            out.append(PUBLIC if item in PUBLIC_ALIASES else item)
        elif isinstance(item, Mapping):
            if item.get("type") in ("Link", "Mention") and isinstance(item.get("href"), str):
                out.append(item["href"])  # a Link stands for the IRI it points to
            else:
                out.append(parse_object(item))
    return out


def _ref(value: Any) -> Any:
    refs = _refs(value)
    return refs[0] if refs else None


def _types(value: Any) -> list[str]:
    return [t for t in _as_list(value) if isinstance(t, str)]


def _lenient_datetime(value: Any, handler: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    try:
        result: dt.datetime = handler(value)
    except ValidationError:
        return None
    return result if result.tzinfo else result.replace(tzinfo=dt.UTC)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0]
    return None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    try:
        return float(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


Refs = Annotated[list[Any], BeforeValidator(_refs)]
OptRef = Annotated[Any, BeforeValidator(_ref)]
Types = Annotated[list[str], BeforeValidator(_types)]
When = Annotated[dt.datetime | None, WrapValidator(_lenient_datetime)]
Text = Annotated[str | None, BeforeValidator(_text)]
OptBool = Annotated[bool | None, BeforeValidator(_bool)]
OptFloat = Annotated[float | None, BeforeValidator(_float)]
Strings = Annotated[
    list[str], BeforeValidator(lambda v: [s for s in _as_list(v) if isinstance(s, str)])
]


class ASObject(BaseModel):
    """Any AS2 object. Unknown properties are kept in ``model_extra``."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, frozen=False)

    id: Text = None
    type: Types = Field(default_factory=list)
    name: Text = None
    content: Text = None
    summary: Text = None
    content_map: dict[str, str] | None = Field(None, alias="contentMap")
    attributed_to: Refs = Field(default_factory=list, alias="attributedTo")
    to: Refs = Field(default_factory=list)
    cc: Refs = Field(default_factory=list)
    bto: Refs = Field(default_factory=list)
    bcc: Refs = Field(default_factory=list)
    audience: Refs = Field(default_factory=list)
    url: Refs = Field(default_factory=list)
    published: When = None
    updated: When = None
    start_time: When = Field(None, alias="startTime")
    end_time: When = Field(None, alias="endTime")
    in_reply_to: OptRef = Field(None, alias="inReplyTo")
    location: Refs = Field(default_factory=list)
    tag: Refs = Field(default_factory=list)
    attachment: Refs = Field(default_factory=list)

    def has_type(self, name: str) -> bool:
        return name in self.type

    @property
    def type_name(self) -> str | None:
        """The most specific type: the first one this library models (``["Note", "Proposal"]``
        is a ``Proposal`` that Mastodon can show as a ``Note``), else the first one."""
        for name in self.type:
            if name.split(":")[-1] in _BY_TYPE:
                return name.split(":")[-1]
        return self.type[0] if self.type else None

    @property
    def text(self) -> str | None:
        """``content``, or the first ``contentMap`` value (Mobilizon, Pleroma send only maps)."""
        if self.content is not None:
            return self.content
        return next(iter(self.content_map.values()), None) if self.content_map else None

    @property
    def is_public(self) -> bool:
        return PUBLIC in self.to or PUBLIC in self.cc

    @property
    def owner(self) -> str | None:
        """The actor an object belongs to (first ``attributedTo``)."""
        return id_of(self.attributed_to[0]) if self.attributed_to else None


class PublicKeyDoc(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    id: Text = None
    owner: Text = None
    public_key_pem: Text = Field(None, alias="publicKeyPem")


def _public_keys(value: Any) -> list[Any]:
    return [v for v in _as_list(value) if isinstance(v, Mapping)]


class Endpoints(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    shared_inbox: Text = Field(None, alias="sharedInbox")


class Actor(ASObject):
    inbox: Text = None
    outbox: Text = None
    followers: Text = None
    following: Text = None
    preferred_username: Text = Field(None, alias="preferredUsername")
    endpoints: Endpoints | None = None
    public_key: Annotated[list[PublicKeyDoc], BeforeValidator(_public_keys)] = Field(
        default_factory=list, alias="publicKey"
    )
    assertion_method: Annotated[list[dict[str, Any]], BeforeValidator(_public_keys)] = Field(
        default_factory=list, alias="assertionMethod"
    )
    manually_approves_followers: OptBool = Field(None, alias="manuallyApprovesFollowers")
    node_kind: Text = Field(None, alias="nodeKind")

    @property
    def shared_inbox(self) -> str | None:
        return self.endpoints.shared_inbox if self.endpoints else None

    @property
    def delivery_inbox(self) -> str | None:
        """Where to deliver: the shared inbox when there is one (DESIGN §4), else the inbox."""
        return self.shared_inbox or self.inbox


class Activity(ASObject):
    actor: Refs = Field(default_factory=list)
    object: Refs = Field(default_factory=list)
    target: Refs = Field(default_factory=list)
    origin: Refs = Field(default_factory=list)
    result: Refs = Field(default_factory=list)
    instrument: Refs = Field(default_factory=list)
    # Entraide: the public record of the street committee's decision behind this activity.
    committee_decision: Refs = Field(default_factory=list, alias="committeeDecision")

    @property
    def committee_decision_id(self) -> str | None:
        return id_of(self.committee_decision[0]) if self.committee_decision else None

    @property
    def actor_id(self) -> str | None:
        return id_of(self.actor[0]) if self.actor else None

    @property
    def object_id(self) -> str | None:
        return id_of(self.object[0]) if self.object else None

    @property
    def embedded_object(self) -> ASObject | None:
        """The first object when it was embedded (not only referenced by IRI)."""
        return self.object[0] if self.object and isinstance(self.object[0], ASObject) else None


class Place(ASObject):
    latitude: OptFloat = None
    longitude: OptFloat = None
    radius: OptFloat = None
    units: Text = None
    address: Any = None  # Mobilizon: a schema.org PostalAddress object; kept as sent
    # Entraide: a solidarity place of the guide (food, shelter, showers, care...).
    place_categories: Strings = Field(default_factory=list, alias="placeCategories")
    opening_hours: Text = Field(None, alias="openingHours")
    place_audiences: Strings = Field(default_factory=list, alias="placeAudiences")
    place_conditions: Text = Field(None, alias="placeConditions")
    place_languages: Strings = Field(default_factory=list, alias="placeLanguages")
    closed_from: Text = Field(None, alias="closedFrom")
    closed_to: Text = Field(None, alias="closedTo")
    closure_reason: Text = Field(None, alias="closureReason")
    full_since: When = Field(None, alias="fullSince")
    phone: Text = None
    website: Text = None
    free: OptBool = None
    checked_on: Text = Field(None, alias="checkedOn")

    def address_part(self, name: str) -> str | None:
        """One field of a schema.org ``PostalAddress`` (``streetAddress``, ``postalCode``…);
        a plain string address is the street."""
        if isinstance(self.address, str):
            return self.address if name == "streetAddress" else None
        if isinstance(self.address, Mapping):
            return _text(self.address.get(name))
        return None


class Proposal(ASObject):
    purpose: Text = None
    publishes: Refs = Field(default_factory=list)
    unit_based: OptBool = Field(None, alias="unitBased")
    action_kind: Text = Field(None, alias="actionKind")
    action_category: Text = Field(None, alias="actionCategory")
    action_status: Text = Field(None, alias="actionStatus")


class Event(ASObject):
    action_category: Text = Field(None, alias="actionCategory")
    action_status: Text = Field(None, alias="actionStatus")


class CallItemDoc(BaseModel):
    """One line of a call: what is wanted and how much is still missing."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    id: Text = None
    name: Text = None
    wanted: int = Field(ge=0, le=1_000_000)
    remaining: int = Field(ge=0, le=1_000_000)


class CallOccurrenceDoc(BaseModel):
    """One date of a repeating call and how many people it still wants."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    start_time: When = Field(None, alias="startTime")
    remaining: int = Field(ge=0, le=1_000_000)


class Call(ASObject):
    """Entraide: a call for help (``["Call", "Event"]`` for volunteers, ``["Call", "Note"]``
    otherwise), with its audience as H3 cells and its quantities."""

    call_kind: Text = Field(None, alias="callKind")
    call_status: Text = Field(None, alias="callStatus")
    audience_resolution: int | None = Field(None, alias="audienceResolution", ge=0, le=15)
    audience_cells: Strings = Field(default_factory=list, alias="audienceCells", max_length=400)
    call_items: list[CallItemDoc] = Field(default_factory=list, alias="callItems", max_length=30)
    # RFC 5545 "DTSTART:…\nRRULE:…" of a repeating slot (startTime is then its next date).
    recurrence: Text = None
    # A repeating slot: its dates still to come, each with what it still wants.
    call_occurrences: list[CallOccurrenceDoc] | None = Field(
        None, alias="callOccurrences", max_length=100
    )


class Tombstone(ASObject):
    former_type: Text = Field(None, alias="formerType")
    deleted: When = None


class Partnership(ASObject):
    partnership_scope: Strings = Field(default_factory=list, alias="partnershipScope")


class Visit(ASObject):
    cell: Text = None
    given_items: Strings = Field(default_factory=list, alias="givenItems")
    asleep: OptBool = None


Note = ASObject
Ref: TypeAlias = str | ASObject

_BY_TYPE: dict[str, type[ASObject]] = {
    "Place": Place,
    "Proposal": Proposal,
    "Event": Event,
    "Tombstone": Tombstone,
    "Call": Call,
    "Partnership": Partnership,
    "Visit": Visit,
    **{t: Actor for t in ACTOR_TYPES},
    **{t: Activity for t in ACTIVITY_TYPES},
}
_EXTRA_ACTIVITIES = {
    "Like",
    "Add",
    "Remove",
    "Block",
    "Move",
    "Invite",
    "TentativeAccept",
    "Question",
    "EmojiReact",
}


def parse_object(data: Mapping[str, Any]) -> ASObject:
    """Parse any AS2 document into the most specific model its ``type`` names."""
    if not isinstance(data, Mapping):
        raise ParseError("an ActivityStreams object must be a JSON object")
    model: type[ASObject] = ASObject
    for t in _types(data.get("type")):
        t = t.split(":")[-1]  # "as:Note", "vf:Proposal"
        if t in _BY_TYPE:
            model = _BY_TYPE[t]
            break
        if t in _EXTRA_ACTIVITIES:
            model = Activity
            break
    else:
        if "actor" in data and "object" in data:
            model = Activity
        elif "inbox" in data:
            model = Actor
    try:
        return model.model_validate({k: v for k, v in data.items() if k != "@context"})
    except ValidationError as exc:
        raise ParseError(str(exc)) from exc


def parse_activity(data: Mapping[str, Any]) -> Activity:
    obj = parse_object(data)
    if not isinstance(obj, Activity):
        raise ParseError(f"not an activity: type {obj.type!r}")
    if obj.id is None or obj.actor_id is None:
        raise ParseError("an activity needs an id and an actor")
    return obj


def parse_actor(data: Mapping[str, Any]) -> Actor:
    obj = parse_object(data)
    if not isinstance(obj, Actor):
        raise ParseError(f"not an actor: type {obj.type!r}")
    if obj.id is None or obj.inbox is None:
        raise ParseError("an actor needs an id and an inbox")
    return obj


def id_of(ref: Any) -> str | None:
    """The IRI of a reference: the string itself, or an embedded object's ``id``."""
    if isinstance(ref, str):
        return ref
    if isinstance(ref, ASObject):
        return ref.id
    if isinstance(ref, Mapping):
        value = ref.get("id") or ref.get("href")
        return value if isinstance(value, str) else None
    return None
