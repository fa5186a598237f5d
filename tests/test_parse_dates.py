"""Dates typed in chat, Indonesian and English, absolute and relative."""

import datetime as dt

import pytest

from flows.parsers import parse_date

TODAY = dt.date(2026, 4, 15)


def _date(year: int, month: int | None = None, day: int | None = None) -> dict[str, int | None]:
    return {"year": year, "month": month, "day": day}


DATE_CASES = [
    ("bulan lalu", _date(2026, 3)),
    ("bulan kemarin", _date(2026, 3)),
    ("Bulan kemaren kak", _date(2026, 3)),
    ("last month", _date(2026, 3)),
    ("minggu lalu", _date(2026, 4, 8)),
    ("seminggu yang lalu", _date(2026, 4, 8)),
    ("kemarin", _date(2026, 4, 14)),
    ("kmrn", _date(2026, 4, 14)),
    ("yesterday", _date(2026, 4, 14)),
    ("kemarin lusa", _date(2026, 4, 13)),
    ("tadi malam", _date(2026, 4, 14)),
    ("hari ini", _date(2026, 4, 15)),
    ("tadi", _date(2026, 4, 15)),
    ("today", _date(2026, 4, 15)),
    ("2 bulan lalu", _date(2026, 2)),
    ("dua bulan yang lalu", _date(2026, 2)),
    ("sebulan yll", _date(2026, 3)),
    ("3 hari yang lalu", _date(2026, 4, 12)),
    ("2 weeks ago", _date(2026, 4, 1)),
    ("a month ago", _date(2026, 3)),
    ("5 bulan lalu", _date(2025, 11)),
    ("tahun lalu", _date(2025)),
    ("3 years ago", _date(2023)),
    ("tahun ini", _date(2026)),
    ("bulan ini", _date(2026, 4)),
    ("awal tahun", _date(2026, 1)),
    ("akhir tahun", _date(2025, 12)),
    ("akhir tahun lalu", _date(2025, 12)),
    ("pertengahan tahun lalu", _date(2025, 6)),
    ("awal 2025", _date(2025, 1)),
    ("end of last year", _date(2025, 12)),
    ("akhir bulan lalu", _date(2026, 3)),
    ("Maret 2026", _date(2026, 3)),
    ("maret", _date(2026, 3)),
    ("awal maret", _date(2026, 3)),
    ("mar 26", _date(2026, 3)),
    ("Des 25", _date(2025, 12)),
    ("Des 2025", _date(2025, 12)),
    ("Agustus 2025", _date(2025, 8)),
    ("agst 2025", _date(2025, 8)),
    ("Agt. 2025", _date(2025, 8)),
    ("March 2026", _date(2026, 3)),
    ("january", _date(2026, 1)),
    ("mei", _date(2025, 5)),
    ("juni", _date(2025, 6)),
    ("april", _date(2026, 4)),
    ("sejak Oktober tahun 2024", _date(2024, 10)),
    ("03/2026", _date(2026, 3)),
    ("3-2026", _date(2026, 3)),
    ("2026-03", _date(2026, 3)),
    ("bulan 3", _date(2026, 3)),
    ("bln 3 2025", _date(2025, 3)),
    ("tgl 5", _date(2026, 4, 5)),
    ("tgl 20", _date(2026, 3, 20)),
    ("tanggal 15", _date(2026, 4, 15)),
    ("tgl 31", _date(2026, 3, 31)),
    ("tanggal 5 maret", _date(2026, 3, 5)),
    ("15 april", _date(2026, 4, 15)),
    ("16 april", _date(2025, 4, 16)),
    ("5/3/2026", _date(2026, 3, 5)),
    ("05-03-2026", _date(2026, 3, 5)),
    ("5/3/26", _date(2026, 3, 5)),
    ("2026-03-05", _date(2026, 3, 5)),
    ("2026/03/05", _date(2026, 3, 5)),
    ("5 Mar 2026", _date(2026, 3, 5)),
    ("5th of March 2026", _date(2026, 3, 5)),
    ("March 5, 2026", _date(2026, 3, 5)),
    ("march 5th", _date(2026, 3, 5)),
    ("maret 5", _date(2026, 3, 5)),
    ("kejadiannya tgl 1 Januari 2026 kak", _date(2026, 1, 1)),
    ("2025", _date(2025)),
    ("tahun 2024", _date(2024)),
]


@pytest.mark.parametrize(("text", "expected"), DATE_CASES)
def test_parse_date_reads_messy_dates(text: str, expected: dict[str, int | None]) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tidak tahu",
        "sejak lebaran",
        "31/2/2026",
        "30 februari",
        "13/2026",
        "Mei 2026",
        "1.5.2026",
        "besok",
        "bulan depan",
        "next month",
        "2027",
        "beberapa bulan lalu",
        "dari maret sampai mei",
        "kemarin tanggal 3",
        "3 bulan",
        "5",
        "1850",
        "bulan 13",
    ],
)
def test_parse_date_refuses_unreadable_or_future(text: str) -> None:
    assert parse_date(text, TODAY) is None


def test_leap_day_without_year_is_the_last_one() -> None:
    assert parse_date("29 feb", TODAY) == _date(2024, 2, 29)


def test_month_without_year_in_january_is_last_year() -> None:
    assert parse_date("desember", dt.date(2026, 1, 3)) == _date(2025, 12)


def test_day_of_month_skips_months_without_that_day() -> None:
    assert parse_date("tgl 31", dt.date(2026, 3, 10)) == _date(2026, 1, 31)


def test_week_ago_crosses_the_year() -> None:
    assert parse_date("minggu lalu", dt.date(2026, 1, 3)) == _date(2025, 12, 27)


def test_relative_dates_near_the_minimum_date_give_none() -> None:
    assert parse_date("minggu lalu", dt.date(1, 1, 3)) is None
    assert parse_date("bulan lalu", dt.date(1, 1, 3)) is None
