"""Danger words in free text. Triggers may only raise a case's urgency, never lower it.

Matching is on normalised text, whole words or phrases, tolerant of Indonesian affixes (di-, ter-,
-nya, -in, -kan, "di pukul" typed apart) and chat forms ("dipegang2"). Because a trigger can only
raise urgency, negation is not modelled: "tidak luka" still fires "injured" and a caseworker
decides. Phrases about devices ("hp saya mati", "mati lampu", "my phone is dead") and idioms
("mati gaya", "patah hati", "pelukan") are excluded so they do not page anyone.
"""

from __future__ import annotations

import re

from flows.parsers.text import normalise, words

VIOLENCE_ONGOING = "violence_ongoing"
SEXUAL_VIOLENCE = "sexual_violence"
CONFINED = "confined"
SELF_HARM = "self_harm"
TRAFFICKED = "trafficked"
ARRESTED = "arrested"
DEATH = "death"
NO_FOOD = "no_food"
INJURED = "injured"
PASSPORT_WITHHELD = "passport_withheld"
MINOR = "minor"

_NEG = r"(?:tidak|tdk|tak|gak|ga|gk|g|nggak|ngga|nggk|ngak|enggak|engga|kagak|ndak|nda|ndk|gag)"
_NEG_YET = rf"(?:{_NEG}|belum|blm)"
_OBJ = r"(?:me|us|her|him|them)"
_WANT = r"(?:mau|ingin|pengen|pingin|pgn|pengin|kepengen|kepingin|mending|mendingan|lebih baik)"
_PASSPORT = r"(?:paspor|pasport|pasfor|passport|paspot|pasprt|dokumen)[\w'-]*"
_HELD = (
    r"(?:di ?tahan|di ?sita|di ?pegang|di ?ambil|di ?simpan|di ?rampas|di ?bawa"
    rf"|{_NEG_YET} (?:di ?kembalikan|di ?balikin|di ?kasih|dikasi|di ?berikan))\w*"
)
_TAKE = (
    r"(?:menahan|nahan|tahan|menyita|nyita|sita|pegang|memegang|megang|ambil|mengambil|ngambil"
    r"|simpan|menyimpan|nyimpen|nyimpan|rampas|merampas|ngerampas)\w*"
)

# Each entry is a group of "|"-separated alternatives; all of a code's groups are joined.
_PATTERNS: dict[str, tuple[str, ...]] = {
    VIOLENCE_ONGOING: (
        r"di ?pukul\w*|kepukul\w*|(?:me|nge)?mukul\w*|pukulan\w*|\w*siksa\w*|\w*tampar\w*",
        r"nampar\w*|\w*tendang\w*|nendang\w*|\w*aniaya\w*|di ?hajar\w*|(?:meng|nge)hajar\w*",
        r"\w*gebuk\w*|\w*keroyok\w*|\w*cambuk\w*|di ?jambak\w*|(?:men|n)jambak\w*|\w*cekik\w*",
        r"disiram air panas|kdrt|kekerasan fisik|babak belur|beaten|slapp?(?:ed|ing|s)?",
        rf"beat(?:s|ing)? {_OBJ}|hit(?:s|ting)? {_OBJ}(?! up)|kick(?:ed|s|ing)? {_OBJ}(?! out)",
        rf"tortur\w*|punch(?:ed|es|ing)?(?: {_OBJ})?|chok(?:ed|es|ing) {_OBJ}|strangl\w*",
        rf"physical(?:ly)? abuse\w*|assault(?:ed|s|ing)? {_OBJ}",
    ),
    SEXUAL_VIOLENCE: (
        r"\w*perkosa\w*|\w*leceh\w*|\w*cabul\w*|(?:di ?)?pegang(?:-?pegang|-?2| pegang)\w*",
        r"di ?raba\w*|meraba\w*|\w*grepe\w*|digerayang\w*|kekerasan seksual",
        r"rap(?:e|ed|es|ing)|sexual(?:ly)? (?:assault|abuse|harass)\w*|harass\w*|molest\w*",
        r"grop(?:e|ed|es|ing)",
    ),
    CONFINED: (
        r"\w*kurung\w*|\w*sekap\w*|di ?kunci\w*|terkunci\w*|\w*kerangkeng\w*|dilarang keluar\w*",
        rf"{_NEG_YET} (?:di ?)?(?:boleh|bisa|bs|dibolehin|dibolehkan|diizinkan|diijinkan|dikasih"
        r"|dikasi|diperbolehkan|izin|ijin) (?:keluar|kabur|pergi keluar)\w*",
        rf"lock(?:ed|s)? (?:{_OBJ} )?(?:in|up|inside)|held captive|confined|trapped",
        r"not allowed (?:to )?(?:leave|go out|out|go outside)",
        r"(?:can't|cant|cannot|can not) (?:leave|go out|get out)",
    ),
    SELF_HARM: (
        rf"bunuh diri|{_WANT} mati|rasanya (?:mau|ingin) mati|gantung diri",
        r"(?:meng)?akhiri hidup\w*",
        rf"minum racun|potong nadi|(?:capek|cape|lelah) hidup|{_NEG} (?:mau|ingin|pengen) hidup",
        r"kill(?:ing)? myself|suicid\w*|(?:want|wants|wanted) to die|wanna die",
        r"end (?:my life|it all)|self[- ]?harm\w*|(?:hurt|cut|hurting|cutting) myself",
    ),
    TRAFFICKED: (
        r"di ?jual\w*|diperjualbelikan|kerja paksa|penipuan online|scam\w*|tppo",
        r"dipaksa (?:kerja|bekerja|menipu|nipu)|perdagangan (?:orang|manusia)|traffick\w*",
        r"forced (?:to work|labou?r)|sold me|was sold|been sold|were sold",
    ),
    ARRESTED: (
        r"di ?tangkap\w*|(?:ke|ter)tangkap\w*|\w*penjara\w*|tahanan imigrasi|imigresen",
        r"di ?tahan (?:di )?(?:polisi|imigrasi|imigresen|pihak berwajib|aparat|kantor polisi)",
        r"depot(?! air)|lokap|rutan|lapas|arrest\w*|jail\w*|prison\w*|imprison\w*|detain\w*",
        r"detention|in custody",
    ),
    DEATH: (
        r"meninggal(?!kan)\w*|wafat\w*|tewas\w*|almarhum\w*|jenazah\w*|mayat\w*|di ?bunuh\w*",
        r"terbunuh|died|dead|passed away|killed|murder\w*",
    ),
    NO_FOOD: (
        rf"{_NEG} (?:(?:di ?kasih|dikasi|di ?beri|dapat|dapet|dpt|boleh|pernah) )?makan(?:an)?",
        rf"{_NEG} ada (?:makanan|makan)|jarang (?:di ?kasih|dikasi|di ?beri) makan|kelaparan",
        r"no food|starv\w*|not (?:given|getting) (?:any )?food|not fed|nothing to eat",
        r"(?:don't|dont|do not) (?:get|have) (?:any )?food",
    ),
    INJURED: (
        r"(?:ter|di|me)?luka(?:i|in)?(?:nya)?|luka(?:-| )?(?:luka|2)|berdarah\w*",
        r"(?:pen|per)darahan|patah(?! (?:hati|semangat|arang))\w*|sakit (?:parah|keras)",
        rf"rumah sakit|opname|(?:di ?)?rawat inap|pingsan|{_NEG} sadarkan diri|memar\w*",
        r"lebam\w*|babak belur|(?:hampir|nyaris) mati|injur\w*|bleed\w*|bled|hospital\w*",
        r"broken (?:arm|leg|bones?|ribs?|hand|nose|fingers?)|bruis\w*|faint(?:ed|ing)",
        r"unconscious|wound\w*|burn(?:ed|t)",
    ),
    PASSPORT_WITHHELD: (
        rf"{_PASSPORT}(?: [\w'-]+){{0,3}} {_HELD}|{_TAKE}(?: [\w'-]+)? {_PASSPORT}",
        r"passports?(?: [\w'-]+){0,3} (?:taken|withheld|held|confiscated|kept|seized)",
        r"(?:took|take|takes|taken|keep|keeps|kept|hold|holds|holding|has|have|confiscated"
        r"|withheld|withholding|withhold|seized) (?:my|our|her|his|the|all|their) passports?",
    ),
    MINOR: (
        r"di ?bawah umur|belum cukup umur|masih anak(?:-anak| anak|-?2)?|pekerja anak",
        r"under ?age\w*|a minor|child labou?r|under 1[0-8]",
        r"di ?bawah (?:umur )?1[0-8] (?:tahun|thn|th)",
    ),
}
_COMPILED = {
    code: re.compile(rf"(?<![\w-])(?:{'|'.join(parts)})(?![\w-])")
    for code, parts in _PATTERNS.items()
}
TRIGGER_CODES: frozenset[str] = frozenset(_PATTERNS)

_DEVICES = (
    r"(?:hp|handphone|henpon|hape|ponsel|telepon|telpon|tlp|phone|batre|baterai|battery|lampu"
    r"|listrik|laptop|wifi|internet|sinyal|signal|akun|account|kartu|sim|motor|mobil|tv|kipas|ac"
    r"|mesin|charger|data|kuota|pulsa|aplikasi|app|wa|whatsapp|layar|screen|power|nomor|nomer)"
    r"(?:-?(?:nya|ku|mu))?"
)
_DEVICE_FILLER = (
    r"(?:saya|aku|sy|gue|gw|dia|kamu|my|is|was|has|juga|sudah|udah|sdh|dah|lagi|sering|kadang|suka"
    r"|tiba-tiba|mendadak|hampir|mau|yang|lama|baru)"
)
_GUARDS = re.compile(
    rf"(?<![\w-]){_DEVICES}(?: {_DEVICE_FILLER}){{0,4}} (?:mati|dead|died|rusak|dikunci|terkunci"
    rf"|locked)(?![\w-])|(?<![\w-])(?:mati|dead) {_DEVICES}(?![\w-])"
)
_MATI = re.compile(r"(?<![\w-])mati(?![\w-])")
_NEXT_WORD = re.compile(r" ([\w'-]+)")
_NOT_DEATH_BEFORE = frozenset(
    words(
        "mau ingin pengen pingin pgn pengin kepengen kepingin mending mendingan baik setengah "
        "takut hampir nyaris rasanya kayak kaya seperti"
    )
)
_NOT_DEATH_AFTER = frozenset(words("rasa gaya kutu lampu listrik angin suri akal langkah kartu"))
_AGE_WORDS: dict[str, int] = {
    "satu": 1, "dua": 2, "tiga": 3, "empat": 4, "lima": 5, "enam": 6, "tujuh": 7, "delapan": 8,
    "sembilan": 9, "sepuluh": 10, "sebelas": 11, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
}  # fmt: skip
_AGE_NUMBER = r"(?P<n>\d{1,2}(?!\d)|[a-z]+(?: belas)?)"
_AGES = (
    re.compile(
        r"(?<![\w-])(?:umur|usia|umurnya|usianya|umurku|usiaku|berumur|berusia|age|aged)"
        r"(?: (?:saya|aku|sy|nya|dia|baru|masih|sekitar|kira-kira|sekarang|is|of|about|just|only))*"
        rf" {_AGE_NUMBER}(?![\w-])"
    ),
    re.compile(r"(?<![\w-])(?P<n>\d{1,2}) ?(?:years?|yrs?|y) ?(?:old|o)(?![\w-])"),
    re.compile(rf"(?<![\w-])(?:masih|baru) {_AGE_NUMBER} (?:tahun|thn|th)(?![\w-])"),
)


def _prepare(text: str) -> str:
    """Returns normalised text with punctuation as spaces and device phrases blanked out."""
    spaced = " ".join(re.sub(r"[^\w\s'-]|_", " ", normalise(text)).split())
    return _GUARDS.sub(" ", spaced)


def _age_value(word: str) -> int | None:
    """Returns the age a digit string or number word names ("16", "enam belas"), or None."""
    if word.isdigit():
        return int(word)
    unit, _, teen = word.partition(" ")
    value = _AGE_WORDS.get(unit)
    return value + 10 if value is not None and teen == "belas" and value < 10 else value


def _mentions_minor_age(text: str) -> bool:
    """Returns True if the text states an age under 18."""
    for pattern in _AGES:
        for match in pattern.finditer(text):
            value = _age_value(match["n"])
            if value is not None and 0 < value < 18:
                return True
    return False


def _mentions_death_by_mati(text: str) -> bool:
    """Returns True if "mati" is used about a death, not a wish, an idiom or a device."""
    for match in _MATI.finditer(text):
        before = text[text.rfind(" ", 0, max(match.start() - 1, 0)) + 1 : match.start()].strip()
        after = _NEXT_WORD.match(text, match.end())
        if before not in _NOT_DEATH_BEFORE and not (after and after[1] in _NOT_DEATH_AFTER):
            return True
    return False


def find_triggers(text: str) -> frozenset[str]:
    """Returns the trigger codes whose danger words appear in the text (empty if none)."""
    prepared = _prepare(text)
    found = {code for code, pattern in _COMPILED.items() if pattern.search(prepared)}
    if _mentions_death_by_mati(prepared):
        found.add(DEATH)
    if _mentions_minor_age(prepared):
        found.add(MINOR)
    return frozenset(found)
