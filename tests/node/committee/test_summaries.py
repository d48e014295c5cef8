"""Every change the committee can be asked about says what it does in plain words, in French
and in English: a title in each language, then short sentences, with names the committee knows
(a domain, a person, an association) and no internal ids."""

from __future__ import annotations

import re
import uuid
from typing import get_args

from node.models import CommitteeRole
from node.services.committee.changes import (
    AcceptPartnership,
    AcceptPartnershipScopes,
    AddSeat,
    ApproveAssociation,
    BaseChange,
    Change,
    ChangeCharter,
    ChangeGates,
    ChangeHouseRules,
    ChangePartnershipScopes,
    ChangeRules,
    EndPartnership,
    GiveOpinion,
    RemoveSeat,
    RuleItem,
    SetAllowlist,
    UnblockDomain,
)
from node.services.committee.changes.domains import BlockDomain
from node.services.committee.rules import Gate

ID = uuid.UUID("12345678-1234-5678-1234-567812345678")
EXAMPLES: list[BaseChange] = [
    AcceptPartnership(partnership_id=ID, domain="lyon.test", scopes=["public_needs"]),
    EndPartnership(partnership_id=ID, domain="lyon.test", scopes=["public_needs"]),
    ChangePartnershipScopes(
        partnership_id=ID,
        domain="lyon.test",
        before=["calls", "public_needs"],
        after=["guide", "public_needs"],
        message="Partageons le guide",
    ),
    AcceptPartnershipScopes(
        offer_id=ID, partnership_id=ID, domain="lyon.test", before=["calls"], added=["guide"]
    ),
    BlockDomain(domain="spam.example", reason="Messages en masse"),
    UnblockDomain(domain="spam.example"),
    SetAllowlist(allowlist_mode=True, allowed_domains=["lyon.test"]),
    ApproveAssociation(association_id=ID, name="La Cloche"),
    AddSeat(member_id=ID, name="Awa", role=CommitteeRole.FACILITATOR),
    RemoveSeat(member_id=ID, name="Awa"),
    ChangeRules(quorum=3, voting_days=5),
    ChangeGates(gates=[Gate.PARTNERSHIPS, Gate.CHARTER]),
    GiveOpinion(
        question_iri="http://lyon.test/questions/1",
        asker_actor="http://lyon.test/actor",
        asker_domain="lyon.test",
        title="Bloquer spam.example",
        summary="Nous refuserions tout ce qui vient de spam.example.",
    ),
    ChangeCharter(text_fr="Nous nous respectons.", text_en="We respect each other."),
    ChangeHouseRules(
        rules=[RuleItem(id=1, text_fr="Pas d'insultes.", text_en="No insults.")], what="edit"
    ),
]
SENTENCE = re.compile(r"[^.!?]+[.!?]")


def test_every_kind_of_change_has_an_example() -> None:
    [union, _] = get_args(Change)
    assert {t.__name__ for t in get_args(union)} == {type(c).__name__ for c in EXAMPLES}


def test_every_change_is_summed_up_in_short_french_and_english_sentences() -> None:
    for change in EXAMPLES:
        title, title_en, fr, en = change.describe()
        assert title and title_en and fr and en, change.kind
        assert fr != en and title != title_en, change.kind
        for text in (title, title_en, fr, en):
            assert str(ID) not in text, (change.kind, text)
        for text in (fr, en):
            sentences = SENTENCE.findall(text)
            assert sentences, (change.kind, text)
            # Short sentences: someone who reads little gets each one at a glance.
            assert all(len(s.split()) <= 25 for s in sentences), (change.kind, text)


def test_a_change_of_scopes_shows_what_goes_and_what_comes() -> None:
    change = ChangePartnershipScopes(
        partnership_id=ID, domain="lyon.test", before=["calls", "public_needs"], after=["guide"]
    )
    fr, en = change.describe().summary_fr, change.describe().summary_en
    assert "arrêterions de partager : calls, public_needs." in fr and "aussi : guide." in fr
    assert "stop sharing: calls, public_needs." in en and "must accept it" in en
    before, after = change.before_after({})
    assert before == {"partner": "lyon.test", "scopes": "calls, public_needs"}
    assert after == {"partner": "lyon.test", "scopes": "guide"}
    asked = AcceptPartnershipScopes(
        offer_id=ID, partnership_id=ID, domain="lyon.test", before=["calls"], added=["guide"]
    )
    assert asked.before_after({})[1]["scopes"] == "calls, guide"
