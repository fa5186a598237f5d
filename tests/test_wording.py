"""The reporter-facing wording follows docs/style-guide.md, in both catalogs.

What a machine can check: one form of address (kamu), no officialese, every optional question
says so and names its button, questions of at most two sentences, one example at most.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel.messages import extract as babel_extract
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from bot.cli.locales import extract_flow_data
from bot.i18n import DOMAIN, LOCALES_DIR
from flows import messages
from flows.parsers import PARSERS
from flows.registry import INTAKE
from flows.steps import Ask, Choose, Collect, Review
from flows.vocabulary import Locale

ROOT = LOCALES_DIR.parent
REPORTER_PACKAGES = ("flows", "bot", "handlers")
STAFF_MODULES = ("bot/casework/texts.py", "bot/staff/", "handlers/console/")
"""Text only caseworkers read; the style guide gives staff their own register (Anda)."""

AVOID = {
    Locale.ID: (
        "silakan masukkan",
        "mohon masukkan",
        "masukkan",
        "mohon",
        "harap",
        "jika",
        "anda",
        "konfirmasi",
        "verifikasi",
        "pengaduan",
    ),
    Locale.EN: ("please enter", "enter your", "kindly", "provide", "input"),
}
"""Words from the style guide's table that must not appear in what a reporter reads."""
EXAMPLE = {Locale.EN: "For example:", Locale.ID: "Contoh:"}
OPTIONAL = {Locale.EN: "Optional:", Locale.ID: "Tidak wajib:"}
OR_WORD = {Locale.EN: " or ", Locale.ID: " atau "}
QUESTION_SENTENCES = 2
MESSAGE_SENTENCES = 3
SENTENCE_WORDS = 20
BILINGUAL = {INTAKE.steps["language"].prompt: " / "}
"""The language question is written in both languages: each half is held to the limit."""
COMMAND_LISTS = {messages.HELP}
"""One command per line: a list, not sentences."""

_SENTENCE_END = re.compile(r"(?<=[.?!])[”\")]*\s+")
_PLACEHOLDER = re.compile(r"\{\w+\}")


def _read(locale: Locale) -> Catalog:
    path = LOCALES_DIR / locale.value / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=locale.value)


@pytest.fixture(scope="module")
def catalogs() -> dict[Locale, Catalog]:
    return {locale: _read(locale) for locale in Locale}


def _reporter_msgids() -> set[str]:
    """Returns every msgid marked outside the staff modules."""
    found: set[str] = set()
    for package in REPORTER_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = path.relative_to(ROOT).as_posix()
            if module.startswith(STAFF_MODULES):
                continue
            with path.open("rb") as handle:
                for _, message, _, _ in babel_extract.extract("python", handle, {"N_": None}):
                    found.add(str(message))
        for path in sorted((ROOT / package).rglob("*.toml")):
            with path.open("rb") as handle:
                found.update(text for _, _, text, _ in extract_flow_data(handle, (), (), {}))
    return found


REPORTER = _reporter_msgids()


def _questions() -> Iterator[tuple[str, str]]:
    """Yields (where, msgid) for every text that asks the reporter for an answer."""
    for step in INTAKE.steps.values():
        if isinstance(step, Choose | Ask | Collect):
            yield f"{step.id}.prompt", step.prompt
        if isinstance(step, Ask) and step.retry:
            yield f"{step.id}.retry", step.retry
        if isinstance(step, Review):
            yield f"{step.id}.question", step.question


QUESTIONS = dict(_questions())


def sentences(text: str, locale: Locale) -> list[str]:
    """Splits a text into the sentences a reader counts.

    A sentence ends at . ? or ! followed by a space, or at a line end; "RM 1.500" does not end one.
    List items (lines starting "- "), lines of placeholders only, the example ("For example: …")
    and the optional marker ("Optional: …") are not counted.
    """
    counted = []
    for line in text.splitlines():
        if line.startswith("- "):
            continue
        for part in _SENTENCE_END.split(line.strip()):
            if not re.search(r"[^\W\d_]", _PLACEHOLDER.sub("", part)):
                continue
            if part.startswith((EXAMPLE[locale], OPTIONAL[locale])):
                continue
            counted.append(part)
    return counted


def _texts(catalogs: dict[Locale, Catalog]) -> Iterator[tuple[Locale, str, str]]:
    for locale, catalog in catalogs.items():
        for msgid in sorted(REPORTER):
            yield locale, msgid, str(catalog[msgid].string)


def test_the_split_counts_what_a_reader_counts() -> None:
    text = "When did it start? For example: March 2026. Optional: you can press Skip."
    assert sentences(text, Locale.EN) == ["When did it start?"]
    assert len(sentences("About how much? Contoh: RM 1.500. Sudah.", Locale.ID)) == 2
    assert sentences("Before we start:\n- one.\n- two.\nDo you agree?", Locale.EN) == [
        "Before we start:",
        "Do you agree?",
    ]
    assert sentences("Numbers:\n{contacts}", Locale.EN) == ["Numbers:"]


def test_the_scan_finds_reporter_texts_and_leaves_staff_texts_out() -> None:
    assert messages.BUTTON_SKIP in REPORTER
    assert "We have handled your request about your data." in REPORTER
    assert "You hold the case now." not in REPORTER  # the caseworker group's reply
    assert "Where are you now?" in REPORTER  # a question of the intake's data files


def test_one_form_of_address_and_no_officialese(catalogs: dict[Locale, Catalog]) -> None:
    found = []
    for locale, msgid, text in _texts(catalogs):
        words = " " + re.sub(r"[^\w]+", " ", text.casefold()) + " "
        found += [(locale.value, w, msgid) for w in AVOID[locale] if f" {w} " in words]
    assert not found, f"words the style guide replaces: {found}"


def test_every_optional_question_says_so_and_names_its_button(
    catalogs: dict[Locale, Catalog],
) -> None:
    wrong = []
    for step in INTAKE.steps.values():
        optional = isinstance(step, Collect) or (isinstance(step, Ask | Choose) and step.skippable)
        if not isinstance(step, Ask | Choose | Collect):
            continue
        button = messages.BUTTON_DONE if isinstance(step, Collect) else messages.BUTTON_SKIP
        for locale, catalog in catalogs.items():
            text = str(catalog[step.prompt].string)
            marker = OPTIONAL[locale]
            label = str(catalog[button].string)
            says = marker in text and label in text[text.index(marker) :]
            if optional != says:
                wrong.append(f"{step.id} ({locale.value}, optional={optional}): {text!r}")
    assert not wrong, wrong


def _halves(msgid: str, text: str) -> list[str]:
    return text.split(BILINGUAL[msgid]) if msgid in BILINGUAL else [text]


def test_questions_are_at_most_two_sentences(catalogs: dict[Locale, Catalog]) -> None:
    long = [
        f"{where} ({locale.value}): {half!r}"
        for where, msgid in QUESTIONS.items()
        for locale, catalog in catalogs.items()
        for half in _halves(msgid, str(catalog[msgid].string))
        if len(sentences(half, locale)) > QUESTION_SENTENCES
    ]
    assert not long, long


def test_messages_are_at_most_three_sentences(catalogs: dict[Locale, Catalog]) -> None:
    long = [
        f"{locale.value}: {half!r}"
        for locale, msgid, text in _texts(catalogs)
        if msgid not in COMMAND_LISTS
        for half in _halves(msgid, text)
        if len(sentences(half, locale)) > MESSAGE_SENTENCES
    ]
    assert not long, long


def test_sentences_are_short(catalogs: dict[Locale, Catalog]) -> None:
    long = [
        f"{locale.value}: {sentence!r}"
        for locale, msgid, text in _texts(catalogs)
        for sentence in sentences(text, locale)
        if len(sentence.split()) > SENTENCE_WORDS
    ]
    assert not long, long


def test_one_example_in_the_same_place_in_both_languages(
    catalogs: dict[Locale, Catalog],
) -> None:
    wrong = []
    for msgid in sorted(REPORTER):
        counts = {}
        for locale, catalog in catalogs.items():
            text = str(catalog[msgid].string)
            marker = EXAMPLE[locale].casefold()
            counts[locale] = text.casefold().count(marker)
            if counts[locale] == 1:
                example = text.casefold().split(marker)[1].split(". ")[0]
                if OR_WORD[locale] in example:
                    wrong.append(f"{locale.value}: more than one example in {text!r}")
            elif counts[locale] > 1:
                wrong.append(f"{locale.value}: {counts[locale]} examples in {text!r}")
        if len(set(counts.values())) > 1:
            wrong.append(f"example in one language only: {msgid!r}")
    assert not wrong, wrong


def test_every_example_can_be_read_back_by_its_parser() -> None:
    """An example the reporter copies must be understood by the step that shows it."""
    today = date(2026, 12, 7)
    catalogs = {locale: _read(locale) for locale in Locale}
    unread = []
    for step in INTAKE.steps.values():
        if not (isinstance(step, Ask) and step.parser):
            continue
        for msgid in (step.prompt, step.retry):
            for locale, catalog in catalogs.items():
                text = str(catalog[msgid].string) if msgid else ""
                if EXAMPLE[locale] not in text:
                    continue
                example = text.split(EXAMPLE[locale])[1].split(". ")[0].rstrip(".").strip()
                if PARSERS[step.parser](example, today) is None:
                    unread.append(f"{step.id} ({locale.value}): {example!r}")
    assert not unread, unread


def test_reporter_texts_exist_in_both_catalogs(catalogs: dict[Locale, Catalog]) -> None:
    missing = [
        (locale.value, msgid)
        for locale, catalog in catalogs.items()
        for msgid in REPORTER
        if catalog.get(msgid) is None
    ]
    assert not missing, missing
    assert Path(ROOT / "docs" / "style-guide.md").is_file()
