"""Whole reports over /webhooks/whatsapp in Indonesian and English; replies go to the fake."""

from __future__ import annotations

import hashlib
import re

from fake_graph import media_bytes
from wa_bodies import contact, envelope, message, meta_bytes, text, value
from wa_harness import Phone, WaApp, choices, words

from storage import models
from storage.whatsapp import WhatsAppContact


def ids(sent: object) -> list[str]:
    return [choice_id for _, choice_id, _ in choices(sent)]  # type: ignore[arg-type]


async def test_whole_report_in_indonesian_with_buttons_lists_numbers_and_a_photo(
    wa: WaApp,
) -> None:
    phone = Phone(wa, "6281234567890")
    first = await phone.say("Halo")
    assert len(first) == 1
    assert words(first[0]) == "Halo. Mau pakai bahasa apa? / Hello. Which language do you want?"
    assert first[0].body["interactive"]["type"] == "button"
    assert ids(first[0]) == ["language.id", "language.en", "cmd:menu"]

    danger = await phone.tap("language.id")
    assert words(danger[-1]).startswith("Apakah kamu, atau orang yang kamu laporkan")
    assert danger[-1].body["interactive"]["type"] == "list"  # 3 answers and Menu: 4 rows
    assert danger[-1].body["interactive"]["action"]["button"] == "Pilih"
    assert ids(danger[-1]) == ["danger.yes", "danger.no", "danger.unsure", "cmd:menu"]

    await phone.tap("danger.no")
    await phone.tap("safe_now.safe")
    consent = await phone.tap("role.worker")
    assert "Sebelum mulai" in words(consent[-1])
    await phone.tap("consent.agree")
    city = await phone.tap("self_country.MY")
    assert city[-1].body["interactive"]["type"] == "button"
    assert [t for _, _, t in choices(city[-1])] == ["Lewati", "Menu"]
    await phone.say("Johor Bahru")
    chosen = await phone.tap("self_help.wages")
    assert words(chosen[-1]) == (
        "Bantuan apa yang kamu mau? Pilih satu atau lebih, lalu tekan Selesai.\n"
        "Sudah dipilih: Gaji saya dibayar. Pilih lagi, atau tekan Selesai."
    )
    problems = await phone.tap("cmd:done")
    menu = words(problems[-1])
    assert problems[-1].type == "text"  # 13 problems do not fit a list: numbered text
    assert "\n1. Gaji ditahan/dipotong\n2. Paspor/dokumen ditahan\n" in menu
    assert menu.endswith("\n\nKetik: SELESAI · MENU")
    ticked = words((await phone.say("1, 2"))[-1])
    assert "\n1. ✓ Gaji ditahan/dipotong\n2. ✓ Paspor/dokumen ditahan\n" in ticked
    freedom = await phone.say("selesai")
    assert ids(freedom[-1])[0] == "self_freedom.both"
    await phone.tap("self_freedom.both")
    await phone.say("3")
    await phone.say("RM 4.500")
    await phone.say("Majikan menahan paspor saya — gaji belum dibayar sejak Agustus 😢")
    await phone.say("Sari")
    await phone.tap("self_contact.this_chat")
    await phone.tap("self_times.evening")
    await phone.tap("self_regency.Indramayu")
    await phone.tap("self_job.domestic")
    await phone.tap("self_route.p3mi")
    await phone.tap("cmd:skip")
    evidence = await phone.say("Agustus 2026")
    assert "kirim foto" in words(evidence[-1])
    await phone.photo("1286451905998041", caption="Slip gaji")
    review = await phone.tap("cmd:done")
    assert review[-1].body["interactive"]["type"] == "button"
    assert ids(review[-1]) == ["review.confirm", "review.edit", "cmd:menu"]
    done = await phone.tap("review.confirm")
    assert re.search(r"Nomor kasusmu MC-\d{4}-\d{6}:", words(done[-1]))

    case = wa.rows(models.Case)[0]
    assert (case.status, case.channel, case.locale) == ("submitted", "whatsapp", "id")
    assert case.destination_country == "MY"
    assert case.home_regency == "Indramayu"
    assert case.answers["self_problem"] == ["GAJI", "DOKUMEN"]
    attachment = wa.rows(models.Attachment)[0]
    assert attachment.case_id == case.id
    assert attachment.kind == "photo"
    assert attachment.sha256 == hashlib.sha256(media_bytes("1286451905998041")).hexdigest()
    assert attachment.external_ref == "1286451905998041"
    stored = wa.core.files.open(attachment.path or "")
    assert stored == media_bytes("1286451905998041")
    assert all(s.to == "6281234567890" for s in wa.fake.sent)
    assert all(row.status == "sent" for row in wa.rows(models.OutboxMessage))


async def test_whole_family_report_in_english_from_a_saudi_number_with_voice_and_photo(
    wa: WaApp,
) -> None:
    phone = Phone(wa, "966501234567", name="Wati")
    first = await phone.say("hi")
    # +966 says nothing about the language: the reporter is asked, in both, English first
    # because "hi" is English
    assert words(first[0]) == "Hello. Which language do you want? / Halo. Mau pakai bahasa apa?"
    assert ids(first[0]) == ["language.en", "language.id", "cmd:menu"]
    danger = await phone.tap("language.en")
    assert words(danger[-1]) == "Are you, or the person you are asking about, in danger right now?"
    await phone.tap("danger.no")
    await phone.tap("safe_now.safe")
    await phone.tap("role.family")
    relation = await phone.tap("consent.agree")
    assert words(relation[-1]) == "How are you related to the worker?"
    assert len(ids(relation[-1])) == 7
    await phone.tap("fam_relationship.parent")
    await phone.say("Siti Aminah")
    await phone.tap("fam_country.SA")
    await phone.tap("fam_help.news")
    await phone.tap("fam_help.go_home")
    problems = await phone.tap("cmd:done")
    assert problems[-1].type == "text"
    assert "\n1. We lost contact\n2. They died\n" in words(problems[-1])
    assert words(problems[-1]).endswith("\n\nType: DONE · MENU")
    await phone.say("1")
    await phone.say("done")
    await phone.say("3 weeks ago")
    await phone.tap("fam_worker_knows.unknown")
    documents = await phone.tap("fam_contact_worker.phone_held")
    assert documents[-1].body["interactive"]["type"] == "list"
    assert documents[-1].body["interactive"]["action"]["button"] == "Choose"
    await phone.tap("fam_documents.passport_copy")
    await phone.tap("cmd:done")
    await phone.photo("1286451905998041")
    await phone.voice_note("2041588643364512")
    await phone.tap("cmd:done")
    await phone.say("Ibu Wati")
    await phone.tap("fam_contact.this_chat")
    await phone.tap("fam_times.morning")
    review = await phone.tap("fam_regency.Lombok Tengah")
    assert "Please check your answers:" in words(review[-1])
    done = await phone.tap("review.confirm")
    assert re.search(r"Your case number is MC-\d{4}-\d{6}:", words(done[-1]))

    case = wa.rows(models.Case)[0]
    assert (case.status, case.locale, case.reporter_role) == ("submitted", "en", "family")
    assert case.destination_country == "SA"
    kinds = sorted(a.kind for a in wa.rows(models.Attachment))
    assert kinds == ["photo", "voice"]
    voice_note = next(a for a in wa.rows(models.Attachment) if a.kind == "voice")
    assert voice_note.mime_type == "audio/ogg; codecs=opus"
    assert voice_note.sha256 == hashlib.sha256(media_bytes("2041588643364512")).hexdigest()


async def test_reporter_known_only_by_business_scoped_id_is_answered_through_recipient(
    wa: WaApp,
) -> None:
    bsuid = "HK.13491208655302741918"
    body = envelope(
        value(
            contacts=[{"profile": {"name": "Rina", "username": "@rina.hk"}, "user_id": bsuid}],
            messages=[message(None, "text", {"body": "halo"}, bsuid=bsuid)],
        )
    )
    assert (await wa.post(meta_bytes(body))).status_code == 200
    await wa.settle()
    [sent] = wa.fake.sent
    assert sent.recipient == bsuid
    assert sent.to is None
    [conversation] = wa.rows(models.Conversation)
    assert conversation.chat_id == bsuid
    [contact_row] = wa.rows(WhatsAppContact)
    assert (contact_row.chat_id, contact_row.bsuid, contact_row.wa_id) == (bsuid, bsuid, None)

    # later the same person writes with a phone number too: still the same conversation
    later = envelope(
        value(
            contacts=[contact("85291234567", "Rina", bsuid=bsuid)],
            messages=[text("85291234567", "Bahasa Indonesia")],
        )
    )
    assert (await wa.post(meta_bytes(later))).status_code == 200
    await wa.settle()
    assert [c.chat_id for c in wa.rows(models.Conversation)] == [bsuid]
    assert wa.rows(WhatsAppContact)[0].wa_id == "85291234567"
    assert words(wa.fake.sent[-1]).startswith("Apakah kamu, atau orang yang kamu laporkan")
