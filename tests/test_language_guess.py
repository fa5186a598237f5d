"""The first-message language guess: Indonesian chat, English, and unclear text."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.language import ENGLISH, INDONESIAN, guess_language
from flows.vocabulary import Locale


@pytest.mark.parametrize(
    "text",
    [
        "halo",
        "Halo kak, saya mau lapor",
        "sy gak digaji majikan udh 3 bulan",
        "tolong bantu adik saya di Malaysia",
        "Paspor saya ditahan agen, gimana?",
    ],
)
def test_indonesian_first_messages_are_read_as_indonesian(text: str) -> None:
    assert guess_language(text) is Locale.ID


@pytest.mark.parametrize(
    "text",
    [
        "hi",
        "Hello, I need help",
        "my employer took my passport",
        "I'm not paid for three months, please help",
    ],
)
def test_english_first_messages_are_read_as_english(text: str) -> None:
    assert guess_language(text) is Locale.EN


@pytest.mark.parametrize("text", ["", "/start", "123", "👍", "ok", None, "Kuala Lumpur"])
def test_text_with_no_known_words_is_left_unclear(text: str | None) -> None:
    assert guess_language(text) is None


def test_the_two_word_lists_share_no_word() -> None:
    assert not INDONESIAN & ENGLISH


@given(st.text())
def test_any_text_gives_a_language_or_none(text: str) -> None:
    assert guess_language(text) in (Locale.ID, Locale.EN, None)


def test_a_greeting_alone_does_not_clear_the_second_margin() -> None:
    assert guess_language("hello", margin=2) is None
    assert guess_language("hello, I need help", margin=2) is Locale.EN
