"""Option lists shared by several flows: countries, problems, help wanted, regencies, safe times."""

from __future__ import annotations

from flows.steps import Option
from flows.vocabulary import N_

COUNTRIES = (
    Option("MY", N_("Malaysia"), aliases=("malay", "msia", "kl", "sabah", "sarawak", "johor")),
    Option("HK", N_("Hong Kong"), aliases=("hongkong", "hk")),
    Option("TW", N_("Taiwan"), aliases=("tw", "taipei")),
    Option("SA", N_("Saudi Arabia"), aliases=("arab", "saudi", "ksa", "riyadh", "jeddah")),
    Option("SG", N_("Singapore"), aliases=("singapur", "sg", "spore")),
    Option("OTHER", N_("Another country")),
    Option(
        "ID_PRE",
        N_("Not left Indonesia yet"),
        aliases=("di indonesia", "masih di indonesia", "belum berangkat"),
    ),
    Option(
        "ID_HOME", N_("Back home already"), aliases=("sudah pulang", "sudah di rumah", "di kampung")
    ),
)

CURRENCY_OF_COUNTRY = {"MY": "MYR", "HK": "HKD", "TW": "TWD", "SA": "SAR", "SG": "SGD"}
"""The currency an amount is offered in, by the country answer; the reporter confirms it."""

PROBLEMS = (
    Option("GAJI", N_("Wages not paid or cut")),
    Option("DOKUMEN", N_("Passport or papers held")),
    Option("KEKERASAN", N_("Hit, hurt or threatened")),
    Option("SEKSUAL", N_("Sexual harassment or assault")),
    Option("JAMKERJA", N_("Overwork, no day off")),
    Option("KONTRAK", N_("Job not as promised")),
    Option("PHK", N_("Fired or sent home")),
    Option("BIAYA", N_("Agent fees or debt")),
    Option("REKRUT", N_("Cheated before leaving")),
    Option("TAHAN", N_("Arrested or detained")),
    Option("SAKIT", N_("Sick or injured")),
    Option("PULANG", N_("Want to go home")),
    Option("LAIN", N_("Something else")),
)

FAMILY_PROBLEMS = (
    Option("HILANG", N_("We lost contact")),
    Option("MENINGGAL", N_("They died")),
    *PROBLEMS,
)

HELP_WANTED = (
    Option("go_home", N_("Go home")),
    Option("wages", N_("Get my wages")),
    Option("documents", N_("Get my papers back")),
    Option("legal", N_("Legal help")),
    Option("information", N_("Information only")),
    Option("other", N_("Something else")),
)

FAMILY_HELP_WANTED = (
    Option("news", N_("News of how they are")),
    Option("go_home", N_("Bring them home")),
    Option("remains", N_("Bring the body home")),
    Option("wages", N_("Get their wages")),
    Option("legal", N_("Legal help")),
    Option("information", N_("Information only")),
)

REGENCIES = (
    Option("Indramayu", N_("Indramayu")),
    Option("Kebumen", N_("Kebumen")),
    Option("Cilacap", N_("Cilacap")),
    Option("Wonosobo", N_("Wonosobo")),
    Option("Jember", N_("Jember")),
    Option("Banyuwangi", N_("Banyuwangi")),
    Option("Lombok Tengah", N_("Central Lombok")),
    Option("Lembata", N_("Lembata")),
    Option("OTHER", N_("Another place")),
)

CONTACT_WAYS = (
    Option("this_chat", N_("This chat")),
    Option("other_number", N_("Another number")),
    Option("via_family", N_("Through my family")),
)

SAFE_TIMES = (
    Option("any", N_("Any time"), consent=("contact_later", "given")),
    Option("morning", N_("Mornings"), consent=("contact_later", "given")),
    Option("afternoon", N_("Afternoons"), consent=("contact_later", "given")),
    Option("evening", N_("Evenings"), consent=("contact_later", "given")),
    Option("night", N_("At night"), consent=("contact_later", "given")),
    Option(
        "i_write_first",
        N_("No, I will write first"),
        aliases=("only after i write first", "tidak", "no"),
        consent=("contact_later", "refused"),
    ),
)
"""May we contact you later, and when: each answer is a contact_later consent (R-02 b)."""

YES_NO = (
    Option("yes", N_("Yes")),
    Option("no", N_("No")),
)
