"""Built documents expand offline, without losing a property, and compact back unchanged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import NOW
from pyld import jsonld

from federation import build, context, objects
from federation.keys import generate_ed25519_key, generate_rsa_key
from federation.vocab import (
    DEFAULT_CONTEXT,
    PUBLIC,
    ActionCategory,
    ActionKind,
    ActionStatus,
    NodeKind,
    PartnershipScope,
)

NODE = "https://node.example"
ACTOR = f"{NODE}/actor"
RSA = generate_rsa_key()
ED = generate_ed25519_key()


def samples() -> dict[str, dict[str, Any]]:
    place = objects.place(name="Gare du Nord", latitude=48.880912, longitude=2.355332, radius=125)
    need = objects.proposal(
        id=f"{NODE}/actions/1",
        attributed_to=ACTOR,
        kind=ActionKind.NEED,
        name="Chaussures 43",
        content="<p>Besoin de chaussures</p>",
        summary="Besoin",
        category=ActionCategory.CLOTHING,
        location=place,
        published=NOW,
        end_time=NOW + dt.timedelta(days=7),
        cc=[f"{ACTOR}/followers"],
    )
    outing = objects.event(
        id=f"{NODE}/actions/2",
        attributed_to=ACTOR,
        name="Café",
        content="c",
        start_time=NOW,
        end_time=NOW + dt.timedelta(hours=2),
        location=place,
        category=ActionCategory.SOCIAL,
        status=ActionStatus.IN_PROGRESS,
    )
    partnership = objects.partnership(
        id=f"{NODE}/partnerships/1",
        attributed_to=ACTOR,
        scopes=[PartnershipScope.PUBLIC_NEEDS, PartnershipScope.OUTREACH],
        summary="Partenariat",
    )
    visit = objects.visit(
        id=f"{NODE}/visits/1",
        attributed_to=ACTOR,
        cell="891fb466257ffff",
        start_time=NOW,
        end_time=NOW + dt.timedelta(hours=1),
        given_items=["soupe", "couverture"],
        asleep=True,
        to=["https://p.example/actor"],
    )
    note = objects.note(id=f"{NODE}/notes/1", attributed_to=ACTOR, content="Bonjour", published=NOW)
    follow = build.follow(id=f"{NODE}/f/1", actor=ACTOR, object="https://p.example/actor")
    return {
        "actor": build.actor(
            id=ACTOR,
            type="Application",
            preferred_username="node",
            name="Node",
            summary="s",
            inbox=f"{ACTOR}/inbox",
            outbox=f"{ACTOR}/outbox",
            followers=f"{ACTOR}/followers",
            following=f"{ACTOR}/following",
            shared_inbox=f"{NODE}/inbox",
            key=RSA,
            multikeys=[("#ed25519-key", ED)],
            manually_approves_followers=True,
            node_kind=NodeKind.ASSOCIATION,
            published=NOW,
        ),
        "create_need": build.create(id=f"{NODE}/c/1", actor=ACTOR, object=need, published=NOW),
        "create_event": build.create(id=f"{NODE}/c/2", actor=ACTOR, object=outing),
        "update": build.update(id=f"{NODE}/u/1", actor=ACTOR, object=note),
        "delete": build.delete(
            id=f"{NODE}/d/1",
            actor=ACTOR,
            object=objects.tombstone(id=note["id"], former_type="Note", deleted=NOW),
        ),
        "follow": follow,
        "accept": build.accept(id=f"{NODE}/a/1", actor=ACTOR, object=follow),
        "reject": build.reject(id=f"{NODE}/r/1", actor=ACTOR, object=follow),
        "undo": build.undo(id=f"{NODE}/un/1", actor=ACTOR, object=follow),
        "offer": build.offer(
            id=f"{NODE}/o/1", actor=ACTOR, object=partnership, target="https://p.example/actor"
        ),
        "join": build.join(id=f"{NODE}/j/1", actor=ACTOR, object=outing["id"]),
        "leave": build.leave(id=f"{NODE}/l/1", actor=ACTOR, object=outing["id"]),
        "flag": build.flag(
            id=f"{NODE}/fl/1",
            actor=ACTOR,
            objects=["https://p.example/u/x"],
            content="spam",
            to=["https://p.example/actor"],
        ),
        "announce": build.announce(id=f"{NODE}/an/1", actor=ACTOR, object=need["id"], to=[PUBLIC]),
        "visit": build.create(id=f"{NODE}/c/3", actor=ACTOR, object=visit),
    }


def compact_keys(node: Any) -> int:
    if isinstance(node, list):
        return sum(compact_keys(n) for n in node)
    if isinstance(node, dict):
        return sum(1 + compact_keys(v) for k, v in node.items() if k != "@context")
    return 0


def expanded_keys(node: Any, bad: list[str]) -> int:
    if isinstance(node, list):
        return sum(expanded_keys(n, bad) for n in node)
    if isinstance(node, dict):
        if "@value" in node or set(node) == {"@id"}:
            return 0  # a literal, or a reference standing for the compact IRI string
        total = 0
        for k, v in node.items():
            if k.startswith("_:") or not (k.startswith("@") or k.startswith("http")):
                bad.append(k)  # a term the contexts do not define (AS2's @vocab is "_:")
            total += 1 + expanded_keys(v, bad)
        return total
    return 0


@pytest.mark.parametrize("name", list(samples()))
def test_built_documents_expand_without_loss(name: str) -> None:
    doc = samples()[name]
    assert doc["@context"] == DEFAULT_CONTEXT
    bad: list[str] = []
    expanded = context.expand(doc)
    assert expanded_keys(expanded, bad) == compact_keys(doc)
    assert bad == []


@pytest.mark.parametrize("name", list(samples()))
def test_built_documents_compact_back_unchanged(name: str) -> None:
    doc = samples()[name]
    again = context.compact(context.expand(doc))
    assert _normal(again) == _normal(doc)


def _normal(node: Any) -> Any:
    """Compaction writes one-element lists as single values, except @set containers."""
    if isinstance(node, dict):
        return {k: _normal(v) for k, v in node.items() if k != "@context"}
    if isinstance(node, list):
        return _normal(node[0]) if len(node) == 1 else [_normal(n) for n in node]
    if isinstance(node, str):  # a compact IRI and its full form are the same IRI
        for prefix, iri in PREFIXES.items():
            if node.startswith(prefix):
                return iri + node[len(prefix) :]
    return node


PREFIXES = {
    "as:": "https://www.w3.org/ns/activitystreams#",
    "ent:": "https://w3id.org/entraide/ns#",
    "om2:": "http://www.ontology-of-units-of-measure.org/resource/om-2/",
}


def test_loader_never_goes_to_the_network() -> None:
    with pytest.raises(jsonld.JsonLdError):
        context.expand({"@context": "https://evil.example/context.jsonld", "name": "x"})
    assert "https://w3id.org/entraide/v1" in context.known_contexts()
