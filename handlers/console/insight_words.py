"""The dashboard's words: figure titles, and the codes of its figures as words.

Problems, countries and regencies use the tables that already name them (the caseworker group's
categories, the questionnaire's options); only offices and the "other" and "not given" groups are
named here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.casework.texts import CATEGORIES
from bot.insights import Clock, Dimension, labels
from flows.intake import REGENCIES
from flows.routing import Office
from flows.vocabulary import N_
from handlers.console.words import COUNTRIES_SHOWN, URGENCIES

TITLES: Mapping[Dimension, str] = {
    Dimension.MONTH: N_("Cases per month"),
    Dimension.URGENCY: N_("Cases by urgency"),
    Dimension.CATEGORY: N_("Cases by problem"),
    Dimension.DESTINATION_COUNTRY: N_("Cases by destination country"),
    Dimension.HOME_REGENCY: N_("Cases by home regency"),
    Dimension.OFFICE: N_("Cases by office"),
}
"""Every figure, in the order the page shows them."""
CLOCK_TITLES: Mapping[Clock, str] = {
    Clock.ACKNOWLEDGE: N_("Acknowledged within the deadline"),
    Clock.FIRST_REPLY: N_("First reply within the target"),
}
CLOCK_HEADINGS: Mapping[Clock, str] = {
    Clock.ACKNOWLEDGE: N_("Time to acknowledge"),
    Clock.FIRST_REPLY: N_("Time to first reply"),
}
OFFICES: Mapping[str, str] = {
    Office.JAKARTA: N_("Jakarta"),
    Office.KUALA_LUMPUR: N_("Kuala Lumpur"),
    Office.INDRAMAYU: N_("Indramayu"),
    Office.KEBUMEN: N_("Kebumen"),
    Office.JEMBER: N_("Jember"),
    Office.BANYUWANGI: N_("Banyuwangi"),
    Office.SARI_SOLO: N_("SARI Solo"),
    Office.PANCA_KARSA: N_("Panca Karsa"),
    Office.YKS_LEMBATA: N_("YKS Lembata"),
}
REGENCY_NAMES: Mapping[str, str] = {o.id: o.label for o in REGENCIES if o.id != "OTHER"}
GROUPS: Mapping[str, str] = {labels.OTHER: N_("Other"), labels.UNKNOWN: N_("Not given")}
REST = N_("All others")
IN_TIME = N_("{within} of {decided} cases in time · target {target}")
NOT_YET = N_("No case has reached its deadline yet · target {target}")


def _as_is(table: Mapping[str, str]) -> Callable[[str], str]:
    return lambda code: table.get(code, code)


MSGIDS: Mapping[Dimension, Callable[[str], str]] = {
    Dimension.CATEGORY: _as_is(CATEGORIES),
    Dimension.DESTINATION_COUNTRY: _as_is(COUNTRIES_SHOWN),
    Dimension.HOME_REGENCY: _as_is(REGENCY_NAMES),
    Dimension.URGENCY: _as_is(URGENCIES),
    Dimension.OFFICE: _as_is(OFFICES),
    Dimension.MONTH: lambda code: code,
}


def label(dimension: Dimension, code: str, tr: Callable[[str], str]) -> str:
    """Returns a figure's code in words; a place with no word of its own keeps its name."""
    # Codes come from bot.insights.labels, so a typed answer never reaches this function.
    if code in GROUPS:
        return tr(GROUPS[code])
    msgid = MSGIDS[dimension](code)
    return tr(msgid) if msgid != code else code
