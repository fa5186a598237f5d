"""Durations in months as reporters write them, counted to today."""

import datetime as dt

import pytest

from flows.parsers import parse_months
from flows.parsers.durations import lebaran_months, recent_lebarans, unclear_holiday

TODAY = dt.date(2026, 11, 28)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("3", 3),
        ("tiga", 3),
        ("3 bulan", 3),
        ("tiga bulan", 3),
        ("sebulan", 1),
        ("sudah 4 bln", 4),
        ("lebih dari 5", 5),
        ("2 tahun", 24),
        ("setahun", 12),
        ("setengah tahun", 6),
        ("half a year", 6),
        ("1,5 tahun", 18),
        ("1.5 years", 18),
        ("satu setengah tahun", 18),
        ("setahun setengah", 18),
        ("a year and a half", 18),
        ("one and a half years", 18),
        ("2 tahun 3 bulan", 27),
        ("six months", 6),
        ("Maret", 8),
        ("maret 2025", 20),
        ("March 2025", 20),
        ("Mar 2025", 20),
        ("3/2025", 20),
        ("sejak Maret", 8),
        ("sejak bulan Mei 2024", 30),
        ("since March", 8),
        ("since March 2025", 20),
        ("dari agustus", 3),
        ("November", 0),
        ("Desember", 11),
        ("lebaran 2025", 20),
        ("sejak lebaran 2024", 31),
        ("sejak lebaran kemarin", 8),
        ("since last eid", 8),
        ("lebaran tahun lalu", 20),
        ("2026", 2026),
    ],
)
def test_parse_months_reads_what_people_write(text: str, months: int) -> None:
    assert parse_months(text, TODAY) == months


@pytest.mark.parametrize(
    "text",
    [
        "",
        "lama",
        "-3",
        "minus 2",
        "kurang dari 3",
        "2,5 bulan",
        "2 minggu",
        "10 hari",
        "sejak 2025",
        "Desember 2026",
        "January 2027",
        "sejak lebaran",
        "lebaran 2031",
        "2 tahun 5",
        "3 atau 4",
        "beberapa bulan",
    ],
)
def test_parse_months_refuses_what_it_cannot_count(text: str) -> None:
    assert parse_months(text, TODAY) is None


def test_a_lebaran_without_a_year_is_unclear() -> None:
    assert unclear_holiday("sejak lebaran")
    assert unclear_holiday("Since Eid")
    assert not unclear_holiday("sejak lebaran 2025")
    assert not unclear_holiday("lebaran kemarin")
    assert not unclear_holiday("sejak Maret")


def test_the_latest_lebarans_are_the_ones_already_past() -> None:
    assert recent_lebarans(TODAY) == (2026, 2025, 2024)
    assert recent_lebarans(dt.date(2026, 3, 19)) == (2025, 2024, 2023)
    assert lebaran_months(2027, TODAY) is None
    assert lebaran_months(2026, dt.date(2026, 3, 20)) == 0
