"""The moderators' word list: words and phrases an author is warned about before public text
is posted (as the personal data check of :mod:`node.services.privacy_check` warns about
addresses and numbers). It warns, it never refuses: the author may confirm or change the text.

Matching ignores case and accents and takes whole words (``arnaque`` finds « Arnaqué » but
not « arnaqueur »… unless the moderators list that one too). The list is kept the same way:
« Arnaque », « ARNAQUE » and « arnaqué » are one word, so a second spelling is a duplicate (409);
the first spelling (NFC, spaces collapsed) is what authors and moderators see.
"""

from __future__ import annotations

import re
import unicodedata

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from node import clock
from node.errors import Conflict, NotFound, Unprocessable
from node.models import Member, ModerationVerb, ScreenedWord
from node.services.moderation import record_entry, require_moderator

WORD_MAX = 100
LIST_MAX = 2000
PROBLEM_TYPE = "/problems/screened-words"


class ScreenedWords(Unprocessable):
    """The text holds words of the list: show them, then post again with the confirmation."""

    type = PROBLEM_TYPE


async def check_text(text: str, confirmed: bool) -> None:
    """422 :class:`ScreenedWords` when ``text`` holds listed words and the author has not
    confirmed after seeing them."""
    found = await find_screened_words(text)
    if found and not confirmed:
        raise ScreenedWords(
            "Your text contains words the moderators ask to avoid: "
            + ", ".join(found)
            + ". Change it, or send it again with confirm_screened=true.",
            errors=[{"field": "text", "message": word} for word in found],
        )


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalise_word(raw: str) -> str:
    word = unicodedata.normalize("NFC", " ".join(raw.split()))
    if not word:
        raise Unprocessable.field("word", "Give a word or a short phrase.")
    if len(word) > WORD_MAX:
        raise Unprocessable.field("word", f"At most {WORD_MAX} characters.")
    if any(unicodedata.category(c).startswith("C") for c in word):
        raise Unprocessable.field("word", "No control characters.")
    return word


async def list_words() -> list[ScreenedWord]:
    return await ScreenedWord.all().order_by("word")


async def add_word(moderator: Member, raw: str) -> ScreenedWord:
    require_moderator(moderator)
    word = normalise_word(raw)
    if await ScreenedWord.all().count() >= LIST_MAX:
        raise Unprocessable.field("word", f"The list holds at most {LIST_MAX} words.")
    folded = _fold(word)
    listed: list[str] = await ScreenedWord.all().values_list("word", flat=True)  # type: ignore[assignment]
    if any(_fold(other) == folded for other in listed):
        raise Conflict("This word is already on the list.")
    try:
        async with in_transaction():
            row = await ScreenedWord.create(word=word, created_at=clock.now())
            await record_entry(moderator, ModerationVerb.ADD_WORD, kind="word", target=word)
    except IntegrityError:
        raise Conflict("This word is already on the list.") from None
    return row


async def remove_word(moderator: Member, word_id: int) -> None:
    require_moderator(moderator)
    row = await ScreenedWord.get_or_none(id=word_id)
    if row is None:
        raise NotFound("No such word on the list.")
    async with in_transaction():
        await row.delete()
        await record_entry(moderator, ModerationVerb.REMOVE_WORD, kind="word", target=row.word)


async def find_screened_words(text: str) -> list[str]:
    """The listed words found in ``text``, as the moderators wrote them."""
    words: list[str] = await ScreenedWord.all().values_list("word", flat=True)  # type: ignore[assignment]
    if not words or not text:
        return []
    folded = _fold(text)
    return [w for w in words if re.search(rf"(?<!\w){re.escape(_fold(w))}(?!\w)", folded)]
