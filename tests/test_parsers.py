"""Answer parsers: normalise, yes/no, count, age, typed options and the PARSERS table."""

import datetime as dt

import pytest

from flows.parsers import (
    PARSERS,
    match_option,
    match_options,
    normalise,
    parse_age,
    parse_count,
    parse_yes_no,
)

TODAY = dt.date(2026, 4, 15)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  Iya   Kak  ", "iya kak"),
        ("Ya!!!", "ya"),
        ("iyaaaa 🙏🏽", "iya"),
        ("«Tidak»", "tidak"),
        ("Tidak,\tbelum\n", "tidak, belum"),
        ("he\u2019eh", "he'eh"),
        ("ＲＭ１５００", "rm1500"),
        ("Taiwán", "taiwan"),
        ("HK$4,990.", "hk$4,990"),
        ("\u200bok\u200d", "ok"),
        ("1\ufe0f\u20e3", "1"),
        ("", ""),
        ("🙏🙏", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


YES_NO_CASES = [
    ("ya", "yes"),
    ("Ya!!!", "yes"),
    ("iya", "yes"),
    ("iyaa", "yes"),
    ("iyaaaa kak", "yes"),
    ("y", "yes"),
    ("yoi", "yes"),
    ("yup", "yes"),
    ("Yes", "yes"),
    ("yess", "yes"),
    ("ok", "yes"),
    ("oke", "yes"),
    ("Okey 👍", "yes"),
    ("betul", "yes"),
    ("benar", "yes"),
    ("bener kak", "yes"),
    ("sudah", "yes"),
    ("udah", "yes"),
    ("setuju", "yes"),
    ("Saya setuju", "yes"),
    ("boleh", "yes"),
    ("he'eh", "yes"),
    ("he\u2019eh mbak", "yes"),
    ("iya kak 🙏", "yes"),
    ("ya benar", "yes"),
    ("👍", "yes"),
    ("iya kak, saya tidak bisa keluar", "yes"),
    ("nggih", "yes"),
    ("tidak", "no"),
    ("tdk", "no"),
    ("gak.", "no"),
    ("ga", "no"),
    ("gk", "no"),
    ("nggak", "no"),
    ("ngga", "no"),
    ("enggak", "no"),
    ("engga", "no"),
    ("no", "no"),
    ("Nope", "no"),
    ("bukan", "no"),
    ("belum", "no"),
    ("jangan", "no"),
    ("ndak", "no"),
    ("nda kak", "no"),
    ("tidak setuju", "no"),
    ("gak mau", "no"),
    ("tidak, belum", "no"),
    ("TIDAKKK", "no"),
    ("no thanks", "no"),
    ("tidak tahu", "unsure"),
    ("gak tau", "unsure"),
    ("ga tau kak", "unsure"),
    ("nggak tahu", "unsure"),
    ("gatau", "unsure"),
    ("entah", "unsure"),
    ("mungkin", "unsure"),
    ("kurang tahu", "unsure"),
    ("not sure", "unsure"),
    ("dont know", "unsure"),
    ("I don't know", "unsure"),
    ("maybe", "unsure"),
    ("tidak yakin", "unsure"),
    ("ragu", "unsure"),
    ("saya tidak tahu", "unsure"),
    ("iya mungkin", "unsure"),
    ("ya tidak", None),
    ("iya, nggak", None),
    ("gapapa", None),
    ("no problem", None),
    ("saya rasa iya", None),
    ("hmm", None),
    ("", None),
    ("🙏", None),
    ("bisa jadi besok", None),
    ("tolong saya", None),
]


@pytest.mark.parametrize(("text", "expected"), YES_NO_CASES)
def test_parse_yes_no(text: str, expected: str | None) -> None:
    assert parse_yes_no(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3),
        ("3 bulan", 3),
        ("3bln", 3),
        ("tiga", 3),
        ("tiga bulan", 3),
        ("lebih dari 5", 5),
        ("10+", 10),
        ("sekitar 6 bulan", 6),
        ("kurang lebih 4", 4),
        ("dua belas", 12),
        ("sebulan", 1),
        ("seminggu", 1),
        ("3x", 3),
        ("0", 0),
        ("twenty", 20),
        ("belasan", None),
        ("beberapa", None),
        ("kurang dari 5", None),
        ("3-4 bulan", None),
        ("2,5", None),
        ("antara 3 dan 4", None),
        ("tidak tahu", None),
        ("", None),
    ],
)
def test_parse_count(text: str, expected: int | None) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("17", 17),
        ("umur 17", 17),
        ("17 tahun", 17),
        ("17 thn", 17),
        ("Umur saya 23 tahun", 23),
        ("seventeen", 17),
        ("tujuh belas", 17),
        ("dua puluh lima", 25),
        ("25th", 25),
        ("5", 5),
        ("99", 99),
        ("4", None),
        ("100", None),
        ("2008", None),
        ("17,5", None),
        ("umur 17 atau 18", None),
        ("masih muda", None),
    ],
)
def test_parse_age(text: str, expected: int | None) -> None:
    assert parse_age(text) == expected


COUNTRIES = [
    ("MY", ["Malaysia"]),
    ("HK", ["Hong Kong"]),
    ("TW", ["Taiwan"]),
    ("SA", ["Arab Saudi", "Saudi Arabia"]),
    ("SG", ["Singapura", "Singapore"]),
    ("other", ["Negara lain", "Other country"]),
    ("id", ["Di Indonesia (belum berangkat)", "In Indonesia (not left yet)"]),
    ("home", ["Sudah pulang", "Back home already"]),
]
SAFETY = [
    ("safe", ["Aman", "Safe"]),
    ("unsure", ["Tidak yakin", "Not sure"]),
    ("unsafe", ["Tidak aman", "Not safe"]),
]


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("2", COUNTRIES, "HK"),
        ("2.", COUNTRIES, "HK"),
        ("no 2", COUNTRIES, "HK"),
        ("nomor 2", COUNTRIES, "HK"),
        ("No. 8", COUNTRIES, "home"),
        ("1\ufe0f\u20e3", COUNTRIES, "MY"),
        ("malaysia", COUNTRIES, "MY"),
        ("MALAYSIA!!", COUNTRIES, "MY"),
        ("Taiwán", COUNTRIES, "TW"),
        ("hongkong", COUNTRIES, "HK"),
        ("mala", COUNTRIES, "MY"),
        ("singa", COUNTRIES, "SG"),
        ("saya di malaysia kak", COUNTRIES, "MY"),
        ("sudah pulang", COUNTRIES, "home"),
        ("back home", COUNTRIES, "home"),
        ("pulang", COUNTRIES, "home"),
        ("saudi", COUNTRIES, "SA"),
        ("indonesia", COUNTRIES, "id"),
        ("9", COUNTRIES, None),
        ("0", COUNTRIES, None),
        ("mal", COUNTRIES, None),
        ("jepang", COUNTRIES, None),
        ("", COUNTRIES, None),
        ("aman", SAFETY, "safe"),
        ("Tidak aman!", SAFETY, "unsafe"),
        ("saya tidak aman", SAFETY, "unsafe"),
        ("tidak", SAFETY, None),
        ("yakin", SAFETY, "unsure"),
        ("aman atau tidak aman", SAFETY, None),
    ],
)
def test_match_option(
    text: str, options: list[tuple[str, list[str]]], expected: str | None
) -> None:
    assert match_option(text, options) == expected


CATEGORIES = [
    ("GAJI", ["Gaji tidak dibayar", "Unpaid wages"]),
    ("DOKUMEN", ["Paspor ditahan", "Passport withheld"]),
    ("KEKERASAN", ["Kekerasan", "Violence"]),
    ("BOTH", ["Gaji dan paspor", "Wages and passport"]),
    ("LAIN", ["Lainnya", "Other"]),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1, 3", ["GAJI", "KEKERASAN"]),
        ("1 dan 3", ["GAJI", "KEKERASAN"]),
        ("1 3", ["GAJI", "KEKERASAN"]),
        ("1,3,5", ["GAJI", "KEKERASAN", "LAIN"]),
        ("3, 1", ["KEKERASAN", "GAJI"]),
        ("1, 1, 3", ["GAJI", "KEKERASAN"]),
        ("no 2 and 5", ["DOKUMEN", "LAIN"]),
        ("kekerasan, lainnya", ["KEKERASAN", "LAIN"]),
        ("paspor ditahan dan kekerasan", ["DOKUMEN", "KEKERASAN"]),
        ("Unpaid wages; violence", ["GAJI", "KEKERASAN"]),
        ("gaji dan paspor", ["BOTH"]),
        ("4", ["BOTH"]),
        ("1, 9", None),
        ("1, jepang", None),
        ("", None),
    ],
)
def test_match_options(text: str, expected: list[str] | None) -> None:
    assert match_options(text, CATEGORIES) == expected


def test_parsers_table_names_every_answer_type() -> None:
    assert sorted(PARSERS) == ["age", "amount", "count", "date", "months", "yes_no"]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("yes_no", "iya kak", "yes"),
        ("amount", "RM1.500", {"value": "1500", "currency": "MYR"}),
        ("date", "bulan lalu", {"year": 2026, "month": 3, "day": None}),
        ("count", "tiga bulan", 3),
        ("months", "sejak Januari", 3),
        ("months", "2 tahun", 24),
        ("amount", "1500", None),
        ("age", "umur 17", 17),
        ("age", "ratusan", None),
    ],
)
def test_parsers_table_adapts_to_text_and_today(name: str, text: str, expected: object) -> None:
    assert PARSERS[name](text, TODAY) == expected
