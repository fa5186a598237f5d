"""The corpus through both drivers' real parsers: every update kind read the same way."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any, cast

import pytest
from corpus import load, names, raw
from fakebot import TOKEN
from pydantic import SecretStr
from settings_helpers import make_settings

from bot.core import Core
from bot.envelopes import Channel
from bot.settings import TelegramDriver
from flows.vocabulary import Command, InputKind, MediaKind
from handlers.telegram.drivers import Driver, make_driver
from handlers.telegram.translate import TelegramTranslator
from handlers.telegram.updates import BadUpdate, ChatType, TgUpdate

USER = 555000111


@pytest.fixture
async def parser(driver: TelegramDriver) -> AsyncIterator[Driver]:
    settings = make_settings(
        telegram_bot_token=SecretStr(TOKEN),
        telegram_api_base_url="http://127.0.0.1:9",
        telegram_driver=driver,
    )
    made = make_driver(settings)
    yield made
    await made.close()


def parse(parser: Driver, name: str) -> TgUpdate:
    return parser.parse(raw(name))


def test_corpus_covers_every_update_kind_in_the_issue() -> None:
    wanted = {
        "text", "command_start", "deep_link", "command_help", "command_cancel", "command_language",
        "callback", "photo", "album_1", "album_2", "album_3", "voice", "audio", "video",
        "document", "document_large", "location", "contact_own", "contact_other", "edited",
        "sticker", "group", "my_chat_member_kicked",
    }  # fmt: skip
    assert wanted <= set(names())
    assert all(isinstance(load(name)["update_id"], int) for name in names())


def test_text_message(parser: Driver) -> None:
    update = parse(parser, "text")
    message = update.message
    assert update.update_id == 100000001
    assert not update.edited
    assert message is not None
    assert (message.message_id, message.chat_id, message.user_id) == (11, USER, USER)
    assert message.chat_type is ChatType.PRIVATE
    assert message.language_code == "id"
    assert message.text == "Halo"
    assert message.command is None
    assert message.at == dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("name", "command", "argument"),
    [
        ("command_start", "start", None),
        ("deep_link", "start", "radio_kebumen_2026"),
        ("command_help", "help", None),
        ("command_cancel", "cancel", None),
        ("command_language", "language", "en"),
        ("group", "start", None),
    ],
)
def test_commands(parser: Driver, name: str, command: str, argument: str | None) -> None:
    message = parse(parser, name).message
    assert message is not None
    assert (message.command, message.argument) == (command, argument)


def test_button_press_keeps_the_keyboard_it_was_pressed_on(parser: Driver) -> None:
    press = parse(parser, "callback").callback
    assert press is not None
    assert (press.id, press.data, press.user_id) == ("4382bfdwdsb323b2d9", "danger.no", USER)
    assert (press.chat_id, press.message_id, press.chat_type) == (USER, 1001, ChatType.PRIVATE)
    assert [[k.data for k in row] for row in press.keyboard] == [
        ["danger.yes", "danger.no"],
        ["danger.unsure"],
        ["cmd:menu"],
    ]


@pytest.mark.parametrize(
    ("name", "kind", "file_id", "size", "mime"),
    [
        ("photo", MediaKind.PHOTO, "AgACAgUAAxkBAAIBZ2payslip-x", 182344, "image/jpeg"),
        ("voice", MediaKind.VOICE, "AwACAgUAAxkBAAIBvoice", 48213, "audio/ogg"),
        ("audio", MediaKind.AUDIO, "CQACAgUAAxkBAAIBaudio", 1520334, "audio/mpeg"),
        ("video", MediaKind.VIDEO, "BAACAgUAAxkBAAIBvideo", 3845120, "video/mp4"),
        ("document", MediaKind.DOCUMENT, "BQACAgUAAxkBAAIBdocument", 84211, "application/pdf"),
        ("document_large", MediaKind.DOCUMENT, "BQACAgUAAxkBAAIBlarge", 26214400, "video/mp4"),
    ],
)
def test_files_take_the_largest_photo_and_the_declared_type(
    parser: Driver, name: str, kind: MediaKind, file_id: str, size: int, mime: str
) -> None:
    message = parse(parser, name).message
    assert message is not None
    assert message.file is not None
    assert (message.file.kind, message.file.file_id) == (kind, file_id)
    assert (message.file.size, message.file.mime_type) == (size, mime)


def test_photo_caption_and_album_id(parser: Driver) -> None:
    photo = parse(parser, "photo").message
    album = [parse(parser, f"album_{i}").message for i in (1, 2, 3)]
    assert photo is not None
    assert photo.text == "slip gaji"
    assert photo.media_group_id is None
    assert {m.media_group_id for m in album if m is not None} == {"13544477382981234"}


def test_location_and_contacts(parser: Driver) -> None:
    place = parse(parser, "location").message
    own = parse(parser, "contact_own").message
    other = parse(parser, "contact_other").message
    assert place is not None
    assert place.location == (22.319303, 114.169361)
    assert own is not None
    assert own.contact is not None
    assert other is not None
    assert (own.contact.phone, own.contact.user_id) == ("+85291234567", USER)
    assert other.contact is not None
    assert other.contact.user_id is None


def test_edited_message_is_dated_by_its_edit(parser: Driver) -> None:
    update = parse(parser, "edited")
    assert update.edited
    assert update.message is not None
    assert (update.message.message_id, update.message.text) == (30, "Siti R.")
    assert update.message.at == dt.datetime(2026, 1, 1, 0, 1, tzinfo=dt.UTC)


@pytest.mark.parametrize("name", ["sticker", "dice", "poll"])
def test_stickers_and_the_like_are_unsupported(parser: Driver, name: str) -> None:
    message = parse(parser, name).message
    assert message is not None
    assert message.unsupported
    assert not message.service
    assert message.file is None
    assert message.text == ""


def test_group_and_block(parser: Driver) -> None:
    group = parse(parser, "group").message
    kicked = parse(parser, "my_chat_member_kicked").member
    assert group is not None
    assert group.chat_type is ChatType.SUPERGROUP
    assert kicked is not None
    assert (kicked.user_id, kicked.status) == (USER, "kicked")
    assert kicked.chat_type is ChatType.PRIVATE


@pytest.mark.parametrize(
    "body", [b"", b"not json", b"[]", b'{"update_id": 5, "message": {"text": "no chat"}}']
)
def test_malformed_bodies_raise_bad_update(parser: Driver, body: bytes) -> None:
    with pytest.raises(BadUpdate):
        parser.parse(body)


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("text", InputKind.TEXT, {"text": "Halo"}),
        ("command_start", InputKind.COMMAND, {"command": Command.START, "argument": None}),
        (
            "deep_link",
            InputKind.COMMAND,
            {"command": Command.START, "argument": "radio_kebumen_2026", "text": ""},
        ),
        ("command_cancel", InputKind.COMMAND, {"command": Command.CANCEL}),
        ("command_help", InputKind.COMMAND, {"command": Command.HELP}),
        ("command_language", InputKind.COMMAND, {"command": Command.LANGUAGE, "argument": "en"}),
        ("location", InputKind.LOCATION, {"location": (22.319303, 114.169361)}),
        ("edited", InputKind.EDIT, {"edited_ref": "30", "text": "Siti R."}),
        ("sticker", InputKind.UNSUPPORTED, {"text": ""}),
        ("dice", InputKind.UNSUPPORTED, {}),
        ("poll", InputKind.UNSUPPORTED, {"text": ""}),
        ("game", InputKind.UNSUPPORTED, {"text": ""}),
        ("animation", InputKind.UNSUPPORTED, {"text": "", "media": None}),  # a GIF, caption too
    ],
)
async def test_translation_to_inbound_events(
    parser: Driver, name: str, kind: InputKind, expected: dict[str, Any]
) -> None:
    translate = TelegramTranslator(cast(Core, None), parser)  # no file, no database needed
    event = await translate(raw(name))
    assert event is not None
    assert (event.channel, event.kind, event.chat_id, event.user_id) == (
        Channel.TELEGRAM,
        kind,
        str(USER),
        str(USER),
    )
    assert event.locale_hint == "id"
    assert {key: getattr(event, key) for key in expected} == expected


@pytest.mark.parametrize("name", ["message_reaction", "unknown_kind"])
async def test_updates_of_other_kinds_ask_their_private_chat_again(
    parser: Driver, name: str
) -> None:
    event = await TelegramTranslator(cast(Core, None), parser)(raw(name))
    assert event is not None
    assert (event.kind, event.chat_id, event.text) == (InputKind.UNSUPPORTED, str(USER), "")


async def test_contacts_say_whose_number_it_is(parser: Driver) -> None:
    translate = TelegramTranslator(cast(Core, None), parser)
    own, other = await translate(raw("contact_own")), await translate(raw("contact_other"))
    assert own is not None
    assert own.contact is not None
    assert own.message_ref == "28"
    assert (own.contact.phone, own.contact.is_own) == ("+85291234567", True)
    assert other is not None
    assert other.contact is not None
    assert (other.contact.phone, other.contact.is_own) == ("+6281234567890", False)


@pytest.mark.parametrize("argument", ["has space", "x" * 65, "semi;colon"])
async def test_odd_start_payloads_are_dropped(parser: Driver, argument: str) -> None:
    data = load("deep_link")
    data["message"]["text"] = f"/start {argument}"
    event = await TelegramTranslator(cast(Core, None), parser)(
        __import__("json").dumps(data).encode()
    )
    assert event is not None
    assert event.command is Command.START
    assert event.argument is None
