"""Routing as data: lead and liaison office from destination country and home regency."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from flows.vocabulary import Urgency


class Office(StrEnum):
    JAKARTA = "jakarta"
    KUALA_LUMPUR = "kuala_lumpur"
    INDRAMAYU = "indramayu"
    KEBUMEN = "kebumen"
    JEMBER = "jember"
    BANYUWANGI = "banyuwangi"
    SARI_SOLO = "sari_solo"
    PANCA_KARSA = "panca_karsa"
    YKS_LEMBATA = "yks_lembata"


PROVINCE_REGENCIES: Mapping[str, tuple[str, ...]] = {
    "west_java": (
        "Indramayu",
        "Cirebon",
        "Majalengka",
        "Kuningan",
        "Subang",
        "Karawang",
        "Bekasi",
        "Bogor",
        "Sukabumi",
        "Cianjur",
        "Bandung",
        "Bandung Barat",
        "Garut",
        "Tasikmalaya",
        "Ciamis",
        "Pangandaran",
        "Sumedang",
        "Purwakarta",
    ),
    "central_java": (
        "Kebumen",
        "Cilacap",
        "Wonosobo",
        "Banyumas",
        "Purbalingga",
        "Banjarnegara",
        "Purworejo",
        "Magelang",
        "Brebes",
        "Tegal",
        "Pemalang",
        "Pekalongan",
        "Batang",
        "Kendal",
        "Semarang",
        "Demak",
        "Grobogan",
        "Blora",
        "Rembang",
        "Pati",
        "Kudus",
        "Jepara",
        "Boyolali",
        "Klaten",
        "Sukoharjo",
        "Wonogiri",
        "Karanganyar",
        "Sragen",
        "Temanggung",
    ),
    "east_java": (
        "Jember",
        "Banyuwangi",
        "Lumajang",
        "Bondowoso",
        "Situbondo",
        "Malang",
        "Blitar",
        "Tulungagung",
        "Trenggalek",
        "Ponorogo",
        "Madiun",
        "Magetan",
        "Ngawi",
        "Pacitan",
        "Kediri",
        "Nganjuk",
        "Jombang",
        "Mojokerto",
        "Sidoarjo",
        "Pasuruan",
        "Probolinggo",
        "Gresik",
        "Lamongan",
        "Tuban",
        "Bojonegoro",
        "Bangkalan",
        "Sampang",
        "Pamekasan",
        "Sumenep",
    ),
    "ntb": (
        "Lombok Tengah",
        "Lombok Timur",
        "Lombok Barat",
        "Lombok Utara",
        "Mataram",
        "Sumbawa",
        "Sumbawa Barat",
        "Dompu",
        "Bima",
    ),
    "ntt": (
        "Lembata",
        "Flores Timur",
        "Sikka",
        "Ende",
        "Ngada",
        "Manggarai",
        "Kupang",
        "Timor Tengah Selatan",
        "Timor Tengah Utara",
        "Belu",
        "Malaka",
        "Alor",
        "Sumba Barat",
        "Sumba Timur",
        "Rote Ndao",
        "Sabu Raijua",
    ),
}
"""Regencies Suara recognises by name, per province (others fall back to Jakarta)."""

REGENCY_LIAISON: Mapping[str, tuple[Office, ...]] = {
    "Jember": (Office.JEMBER,),
    "Lumajang": (Office.JEMBER,),
    "Bondowoso": (Office.JEMBER,),
    "Situbondo": (Office.JEMBER,),
    "Banyuwangi": (Office.BANYUWANGI,),
    "Wonosobo": (Office.KEBUMEN, Office.SARI_SOLO),
}
"""Regencies with their own liaison, before the province default."""

PROVINCE_LIAISON: Mapping[str, tuple[Office, ...]] = {
    "west_java": (Office.INDRAMAYU,),
    "central_java": (Office.KEBUMEN,),
    "east_java": (Office.JEMBER,),
    "ntb": (Office.PANCA_KARSA, Office.JAKARTA),
    "ntt": (Office.YKS_LEMBATA, Office.JAKARTA),
}

COPY_JAKARTA_CATEGORIES = frozenset({"TPPO", "PIDANA", "ABK", "MENINGGAL"})
IN_INDONESIA = frozenset({"ID_PRE", "ID_HOME"})

COUNTRY_TIMEZONES: Mapping[str, str] = {
    "MY": "Asia/Kuala_Lumpur",
    "HK": "Asia/Hong_Kong",
    "TW": "Asia/Taipei",
    "SA": "Asia/Riyadh",
    "SG": "Asia/Singapore",
    "ID_PRE": "Asia/Jakarta",
    "ID_HOME": "Asia/Jakarta",
}
"""The zone a reporter in each country reads times in; Jakarta time otherwise."""


@dataclass(frozen=True)
class Route:
    """Who leads a case, who is near the family, and who is copied."""

    lead: Office
    liaison: Office
    copies: tuple[Office, ...]


def _fold(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    text = text.casefold().replace("kabupaten", "").replace("kab.", "").replace("kota", "")
    return " ".join(text.split())


def find_province(regency: str | None) -> tuple[str, str] | None:
    """Returns (province, canonical regency) for a regency name typed any way, or None."""
    if not regency:
        return None
    wanted = _fold(regency)
    for province, names in PROVINCE_REGENCIES.items():
        for name in names:
            if _fold(name) == wanted:
                return province, name
    return None


def liaison_offices(regency: str | None) -> tuple[Office, ...]:
    """Returns the liaison office(s) near the worker's family."""
    found = find_province(regency)
    if found is None:
        return (Office.JAKARTA,)
    province, name = found
    return REGENCY_LIAISON.get(name) or PROVINCE_LIAISON[province]


def route(
    *,
    country: str | None,
    regency: str | None,
    categories: Iterable[str],
    urgency: Urgency,
) -> Route:
    """Returns the lead, liaison and copied offices for a case."""
    liaison = liaison_offices(regency)
    if country == "MY":
        lead = Office.KUALA_LUMPUR
    elif country in IN_INDONESIA:
        lead = liaison[0]
    else:
        lead = Office.JAKARTA
    copies = set(liaison[1:])
    if set(categories) & COPY_JAKARTA_CATEGORIES or urgency.rank <= 1 or country in IN_INDONESIA:
        copies.add(Office.JAKARTA)
    copies.discard(lead)
    copies.discard(liaison[0])
    return Route(lead=lead, liaison=liaison[0], copies=tuple(sorted(copies)))
