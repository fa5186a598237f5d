"""Properties: the parsers never raise on any text and keep their promises."""

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.keywords import TRIGGER_CODES, find_triggers
from flows.parsers import (
    PARSERS,
    match_option,
    match_options,
    normalise,
    parse_age,
    parse_amount,
    parse_count,
    parse_date,
    parse_months,
    parse_priced_amount,
    parse_yes_no,
)
from flows.parsers.dates import MONTHS
from flows.parsers.durations import MAX_COUNT

TODAY = dt.date(2026, 4, 15)
CHAT_WORDS = [
    "ya", "tidak", "tahu", "rp", "rm", "2,5", "jt", "juta", "ribu", "1.500", "hk$", "maret",
    "bulan", "lalu", "kemarin", "tgl", "5", "31", "2026", "/", "-", ".", ",", "dua", "belas",
    "mati", "hp", "dipukul", "umur", "16", "paspor", "ditahan", "🙏", "\u202e", "\x00", "د",
]  # fmt: skip

any_text = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.lists(st.sampled_from(CHAT_WORDS), max_size=12).map(" ".join),
    st.builds(lambda ch, n: ch * n, st.characters(codec="utf-8"), st.integers(1, 20_000)),
)
long_text = st.builds(
    lambda words, piece, times: (" ".join(words) + " " + piece) * times,
    st.lists(st.sampled_from(CHAT_WORDS), min_size=1, max_size=8),
    st.text(max_size=20),
    st.integers(300, 2_000),
)


def _check_all(text: str) -> None:
    assert isinstance(normalise(text), str)
    assert parse_yes_no(text) in {"yes", "no", "unsure", None}
    count, age = parse_count(text), parse_age(text)
    assert count is None or (isinstance(count, int) and count >= 0)
    assert age is None or (isinstance(age, int) and 5 <= age <= 99)
    amount = parse_amount(text)
    assert amount is None or set(amount) == {"value", "currency"}
    date = parse_date(text, TODAY)
    assert date is None or set(date) == {"year", "month", "day"}
    months = parse_months(text, TODAY)
    assert months is None or (isinstance(months, int) and months >= 0)
    assert find_triggers(text) <= TRIGGER_CODES
    for parse in PARSERS.values():
        parse(text, TODAY)


@given(any_text)
def test_parsers_never_raise_and_return_declared_types(text: str) -> None:
    _check_all(text)


@settings(max_examples=10, deadline=None)
@given(long_text)
def test_parsers_handle_long_messages(text: str) -> None:
    _check_all(text)


@given(any_text)
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once


@given(any_text, st.dates())
def test_parse_date_is_never_after_today(text: str, today: dt.date) -> None:
    date = parse_date(text, today)
    if date is not None:
        year, month, day = date["year"], date["month"], date["day"]
        assert isinstance(year, int)
        assert dt.date(year, month or 1, day or 1) <= today
        assert day is None or month is not None


relative_phrases = st.sampled_from(
    ["bulan lalu", "minggu lalu", "kemarin", "tgl 31", "desember", "29 feb", "tahun lalu",
     "akhir tahun", "3 hari yang lalu", "hari ini", "mar 99", "5/3/26", "2 weeks ago"]
)  # fmt: skip


@given(relative_phrases, st.dates())
def test_relative_dates_are_never_after_today(text: str, today: dt.date) -> None:
    date = parse_date(text, today)
    if date is not None:
        year, month, day = date["year"], date["month"], date["day"]
        assert isinstance(year, int)
        assert dt.date(year, month or 1, day or 1) <= today


amount_like = st.builds(
    lambda prefix, number, suffix: f"{prefix}{number}{suffix}",
    st.sampled_from(["", "Rp ", "RM", "HK$", "NT$ ", "S$", "-", "gaji ", "$"]),
    st.one_of(
        st.integers(-(10**9), 10**12).map(str),
        st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
        st.from_regex(r"\d{1,3}([.,]\d{3}){0,3}([.,]\d{1,2})?", fullmatch=True),
    ),
    st.sampled_from(["", "jt", " juta", "rb", " ribu", " ringgit", " riyal", " bulan", "%"]),
)


@given(st.one_of(amount_like, any_text))
def test_parse_amount_values_are_positive_plain_decimals(text: str) -> None:
    amount = parse_amount(text)
    if amount is not None:
        value = amount["value"]
        assert "e" not in value.lower()
        assert Decimal(value) > 0
        assert amount["currency"] in {"IDR", "MYR", "HKD", "TWD", "SAR", "SGD", "USD", ""}


labels = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=20)


@given(st.lists(labels, min_size=1, max_size=9), st.data())
def test_typed_number_picks_that_option(names: list[str], data: st.DataObject) -> None:
    options = [(f"id{index}", [name]) for index, name in enumerate(names)]
    k = data.draw(st.integers(1, len(options)))
    form = data.draw(st.sampled_from(["{k}", "{k}.", "no {k}", "nomor {k}", " {k} "]))
    assert match_option(form.format(k=k), options) == f"id{k - 1}"
    assert match_options(form.format(k=k), options) == [f"id{k - 1}"]


@given(any_text, st.lists(st.tuples(st.text(max_size=5), st.lists(st.text(), max_size=3))))
def test_match_option_returns_an_offered_id(
    text: str, options: list[tuple[str, list[str]]]
) -> None:
    ids = {option_id for option_id, _ in options}
    picked = match_option(text, options)
    assert picked is None or picked in ids
    many = match_options(text, options)
    assert many is None or (many and set(many) <= ids and len(many) == len(set(many)))


DURATION_WORDS = [
    "3", "12", "120", "2026", "tahun", "bulan", "setengah", "sejak", "since", "maret", "march",
    "2025", "lebaran", "a", "year", "and", "half", "1,5", "dua", "-", "minggu", "lalu", "dari",
]  # fmt: skip
duration_like = st.lists(st.sampled_from(DURATION_WORDS), min_size=1, max_size=6).map(" ".join)


@given(st.one_of(duration_like, any_text), st.dates(dt.date(2000, 1, 1), dt.date(2100, 1, 1)))
def test_parse_months_is_never_negative_nor_past_its_cap(text: str, today: dt.date) -> None:
    months = parse_months(text, today)
    assert months is None or (isinstance(months, int) and 0 <= months <= MAX_COUNT)


@given(
    st.sampled_from(["", "sejak ", "since ", "dari "]),
    st.sampled_from(sorted(MONTHS)),
    st.integers(1990, 2026),
)
def test_a_month_and_year_is_the_months_to_today(prefix: str, name: str, year: int) -> None:
    today = dt.date(2026, 11, 28)
    months = parse_months(f"{prefix}{name} {year}", today)
    month = MONTHS[name]
    expected = (today.year - year) * 12 + today.month - month
    assert months == (expected if expected >= 0 else None)


@given(st.sampled_from(["sejak ", "since ", "dari "]), st.integers(1900, 2100))
def test_a_year_alone_is_never_read_as_months_since(prefix: str, year: int) -> None:
    assert parse_months(f"{prefix}{year}", dt.date(2026, 11, 28)) is None


@given(st.one_of(amount_like, any_text))
def test_every_amount_the_step_accepts_has_a_currency(text: str) -> None:
    for amount in (parse_priced_amount(text), PARSERS["amount"](text, TODAY)):
        if amount is not None:
            assert isinstance(amount, dict)
            assert amount["currency"] in {"IDR", "MYR", "HKD", "TWD", "SAR", "SGD", "USD"}
