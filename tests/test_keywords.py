"""Danger words in free text: they fire on real reports and stay quiet on everyday chat."""

import pytest

from flows.keywords import TRIGGER_CODES, find_triggers

TRIGGER_CASES = [
    ("Saya dipukul majikan tiap hari", {"violence_ongoing"}),
    ("sering dipukulin sama bos", {"violence_ongoing"}),
    ("saya di pukul pakai sapu", {"violence_ongoing"}),
    ("disiksa", {"violence_ongoing"}),
    ("majikan nampar saya", {"violence_ongoing"}),
    ("ditendang dan dianiaya", {"violence_ongoing"}),
    ("my employer beat me and I was tortured", {"violence_ongoing"}),
    ("she hit me yesterday", {"violence_ongoing"}),
    ("saya diperkosa anak majikan", {"sexual_violence"}),
    ("dilecehkan terus", {"sexual_violence"}),
    ("sering dipegang-pegang", {"sexual_violence"}),
    ("dipegang2 sama bapaknya", {"sexual_violence"}),
    ("he harassed me", {"sexual_violence"}),
    ("saya dikurung di kamar", {"confined"}),
    ("disekap agen", {"confined"}),
    ("gak boleh keluar rumah", {"confined"}),
    ("Tidak boleh keluar sama sekali!!", {"confined"}),
    ("I am locked in and not allowed to leave", {"confined"}),
    ("rasanya mau mati aja", {"self_harm"}),
    ("pengen bunuh diri", {"self_harm"}),
    ("I want to die", {"self_harm"}),
    ("saya dijual ke perusahaan scam", {"trafficked"}),
    ("dipaksa kerja penipuan online", {"trafficked"}),
    ("forced to work 18 hours", {"trafficked"}),
    ("suami saya ditangkap polisi", {"arrested"}),
    ("sekarang di depot imigresen", {"arrested"}),
    ("ditahan polisi sejak kemarin", {"arrested"}),
    ("detained by immigration", {"arrested"}),
    ("adik saya meninggal di Malaysia", {"death"}),
    ("sudah wafat", {"death"}),
    ("dia mati di kapal", {"death"}),
    ("dia mati jam 3 pagi", {"death"}),
    ("my sister passed away", {"death"}),
    ("tidak dikasih makan", {"no_food"}),
    ("gak dikasih makan 2 hari", {"no_food"}),
    ("kelaparan", {"no_food"}),
    ("tangan saya luka", {"injured"}),
    ("kepala berdarah", {"injured"}),
    ("kaki saya patah", {"injured"}),
    ("masuk rumah sakit", {"injured"}),
    ("tidak luka", {"injured"}),
    ("paspor ditahan majikan", {"passport_withheld"}),
    ("paspor saya dipegang majikan", {"passport_withheld"}),
    ("agen menyita paspor kami", {"passport_withheld"}),
    ("my passport was taken", {"passport_withheld"}),
    ("the agency keeps my passport", {"passport_withheld"}),
    ("dia masih di bawah umur", {"minor"}),
    ("umur 16", {"minor"}),
    ("umurnya baru 15 tahun", {"minor"}),
    ("she is 17 years old", {"minor"}),
    ("masih anak-anak", {"minor"}),
    ("di bawah 18 tahun", {"minor"}),
    ("usia enam belas", {"minor"}),
    (
        "saya dipukul, dikurung dan tidak dikasih makan",
        {"violence_ongoing", "confined", "no_food"},
    ),
    ("hp saya mati tapi majikan memukul saya", {"violence_ongoing"}),
    ("hp mati, dan saya mau mati", {"self_harm"}),
]


@pytest.mark.parametrize(("text", "expected"), TRIGGER_CASES)
def test_find_triggers_fires(text: str, expected: set[str]) -> None:
    assert find_triggers(text) == frozenset(expected)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "hp saya mati",
        "HP saya mati kak, baru bisa chat sekarang",
        "hpnya sudah mati",
        "batre hp mau mati",
        "mati lampu",
        "listrik mati dari pagi",
        "my phone is dead",
        "my phone died",
        "capek setengah mati",
        "mati gaya di rumah",
        "pelukan",
        "patah hati",
        "patah semangat",
        "dia meninggalkan rumah",
        "pukul 5 pagi",
        "gaji ditahan 3 bulan",
        "kerja 3 tahun di Taiwan",
        "umur 25",
        "umur kontrak 2 tahun",
        "saya belum makan siang",
        "minor problem with the contract",
        "hit me up later",
        "kicked out of the house",
        "the deadline passed",
        "terima kasih kak",
        "beli di depot air minum",
        "gaji di bawah 15 juta",
        "nomor saya yang lama sudah mati",
    ],
)
def test_find_triggers_stays_quiet_on_everyday_chat(text: str) -> None:
    assert find_triggers(text) == frozenset()


def test_every_code_is_declared() -> None:
    found = frozenset().union(*(find_triggers(text) for text, _ in TRIGGER_CASES))
    assert found == TRIGGER_CODES
    assert len(TRIGGER_CODES) == 11
