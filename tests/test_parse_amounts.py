"""Money amounts as typed by migrant workers and their families."""

from decimal import Decimal

import pytest

from flows.parsers import named_currency, parse_amount, parse_priced_amount
from flows.parsers.numbers import read_numeral


def _amount(value: str, currency: str) -> dict[str, str]:
    return {"value": value, "currency": currency}


AMOUNT_CASES = [
    ("2,5jt", _amount("2500000", "IDR")),
    ("Rp 2.500.000", _amount("2500000", "IDR")),
    ("Rp. 2.500.000,-", _amount("2500000", "IDR")),
    ("Rp2,5 juta", _amount("2500000", "IDR")),
    ("2.5 juta", _amount("2500000", "IDR")),
    ("1,5 jt", _amount("1500000", "IDR")),
    ("500rb", _amount("500000", "IDR")),
    ("500 ribu", _amount("500000", "IDR")),
    ("3 juta rupiah", _amount("3000000", "IDR")),
    ("IDR 750.000", _amount("750000", "IDR")),
    ("gaji saya 2,5 juta sebulan", _amount("2500000", "IDR")),
    ("dua juta", _amount("2000000", "IDR")),
    ("dua ratus ribu", _amount("200000", "IDR")),
    ("seratus ribu", _amount("100000", "IDR")),
    ("sejuta", _amount("1000000", "IDR")),
    ("satu setengah juta", _amount("1500000", "IDR")),
    ("lima ratus ribu rupiah", _amount("500000", "IDR")),
    ("2 juta 500", _amount("2500000", "IDR")),
    ("2jt500rb", _amount("2500000", "IDR")),
    ("1 juta 200 ribu", _amount("1200000", "IDR")),
    ("500 ringgit", _amount("500", "MYR")),
    ("RM 1,500", _amount("1500", "MYR")),
    ("RM1.500", _amount("1500", "MYR")),
    ("rm 1500 sebulan", _amount("1500", "MYR")),
    ("1,500.50 ringgit", _amount("1500.5", "MYR")),
    ("MYR 1.234,56", _amount("1234.56", "MYR")),
    ("HK$4,990", _amount("4990", "HKD")),
    ("4990 dolar hk", _amount("4990", "HKD")),
    ("HKD 5000", _amount("5000", "HKD")),
    ("hong kong dollar 4,630", _amount("4630", "HKD")),
    ("NT$ 20.000", _amount("20000", "TWD")),
    ("20rb NTD", _amount("20000", "TWD")),
    ("27.470 dolar taiwan", _amount("27470", "TWD")),
    ("1500 riyal", _amount("1500", "SAR")),
    ("SAR 1500", _amount("1500", "SAR")),
    ("1.500 real", _amount("1500", "SAR")),
    ("S$600", _amount("600", "SGD")),
    ("600 dolar singapura", _amount("600", "SGD")),
    ("SGD 650", _amount("650", "SGD")),
    ("US$ 300", _amount("300", "USD")),
    ("300 usd", _amount("300", "USD")),
    ("5000", _amount("5000", "")),
    ("$500", _amount("500", "")),
    ("500 dolar", _amount("500", "")),
    ("seribu", _amount("1000", "IDR")),
    ("500k", _amount("500000", "")),
    ("0,5 juta", _amount("500000", "IDR")),
    ("12,50", _amount("12.5", "")),
]


@pytest.mark.parametrize(("text", "expected"), AMOUNT_CASES)
def test_parse_amount_reads_messy_amounts(text: str, expected: dict[str, str]) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "tidak tahu",
        "belum dibayar",
        "0",
        "Rp 0",
        "-500",
        "RM -1500",
        "minus 200 ribu",
        "10%",
        "potong 10 persen",
        "3 bulan",
        "5 orang",
        "1.2M",
        "2 juta 3 juta",
        "RM 1500 atau Rp 5jt",
        "1.2345",
        "12.34.567",
        "081234567890",
        "ribuan",
        "jutaan ringgit",
        "2 juta 5",
        "dua dua",
        "1234567890123456789",
    ],
)
def test_parse_amount_refuses_non_amounts(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2500", Decimal(2500)),
        ("2.500", Decimal(2500)),
        ("2,500", Decimal(2500)),
        ("2,5", Decimal("2.5")),
        ("2.50", Decimal("2.50")),
        ("1.500.000,50", Decimal("1500000.50")),
        ("1,500,000.50", Decimal("1500000.50")),
        ("1500.5", Decimal("1500.5")),
        ("0,75", Decimal("0.75")),
        ("1.500,000", None),
        ("1,500.000", None),
        ("1.500.50", None),
        ("1500.000", None),
        ("0.500", None),
        ("05", None),
    ],
)
def test_read_numeral_separator_rule(text: str, expected: Decimal | None) -> None:
    assert read_numeral(text) == expected


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("ringgit", "MYR"),
        ("RM", "MYR"),
        ("NT$", "TWD"),
        ("dolar taiwan", "TWD"),
        ("HK$", "HKD"),
        ("dolar hk", "HKD"),
        ("riyal", "SAR"),
        ("SAR", "SAR"),
        ("SGD", "SGD"),
        ("S$", "SGD"),
        ("dolar singapura", "SGD"),
        ("rupiah", "IDR"),
        ("Rp", "IDR"),
        ("US$", "USD"),
        ("dolar", None),
        ("tidak tahu", None),
        ("ringgit atau riyal", None),
    ],
)
def test_named_currency_reads_a_currency_said_alone(text: str, currency: str | None) -> None:
    assert named_currency(text) == currency


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1500 ringgit", _amount("1500", "MYR")),
        ("2,5jt", _amount("2500000", "IDR")),
        ("500rb", _amount("500000", "IDR")),
        ("S$600", _amount("600", "SGD")),
        ("1500", None),
        ("$500", None),
        ("500k", None),
    ],
)
def test_an_accepted_amount_always_names_its_currency(
    text: str, expected: dict[str, str] | None
) -> None:
    assert parse_priced_amount(text) == expected
