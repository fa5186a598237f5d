"""Global commands typed in either language, or pressed as buttons, at any step."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flows.vocabulary import Command, Locale

COMMAND_PREFIX = "cmd:"

TYPED: Mapping[str, tuple[Command, str | None]] = {
    **dict.fromkeys(("help", "bantuan", "?", "tolong bantu"), (Command.HELP, None)),
    **dict.fromkeys(("menu", "pilihan"), (Command.MENU, None)),
    **dict.fromkeys(
        ("back", "go back", "kembali", "balik", "mundur", "sebelumnya"),
        (Command.BACK, None),
    ),
    **dict.fromkeys(("cancel", "batal", "batalkan", "stop", "berhenti"), (Command.CANCEL, None)),
    **dict.fromkeys(
        (
            "start over",
            "restart",
            "start again",
            "new report",
            "mulai lagi",
            "ulang",
            "ulangi",
            "mulai dari awal",
            "laporan baru",
        ),
        (Command.RESTART, None),
    ),
    **dict.fromkeys(
        ("english", "inggris", "bahasa inggris", "in english"),
        (Command.LANGUAGE, Locale.EN),
    ),
    **dict.fromkeys(
        ("indonesia", "bahasa indonesia", "indonesian", "pakai bahasa indonesia"),
        (Command.LANGUAGE, Locale.ID),
    ),
    **dict.fromkeys(
        ("language", "bahasa", "ganti bahasa", "change language"),
        (Command.LANGUAGE, None),
    ),
    **dict.fromkeys(
        (
            "person",
            "human",
            "talk to a person",
            "speak to a person",
            "petugas",
            "bicara dengan petugas",
            "mau bicara dengan petugas",
            "manusia",
            "admin",
        ),
        (Command.HUMAN, None),
    ),
    **dict.fromkeys(("skip", "lewati", "lewat", "lompati", "-"), (Command.SKIP, None)),
    **dict.fromkeys(("done", "selesai", "cukup", "finish", "sudah selesai"), (Command.DONE, None)),
    **dict.fromkeys(
        ("hapus chat", "clear chat", "hapus", "hapus obrolan"), (Command.CLEAR_CHAT, None)
    ),
    **dict.fromkeys(
        ("data saya", "my data", "lihat data saya", "see my data"), (Command.MY_DATA, None)
    ),
    **dict.fromkeys(
        ("ubah", "correct", "ubah data", "correct my data", "perbaiki data"),
        (Command.CORRECT, None),
    ),
    **dict.fromkeys(
        ("hapus data saya", "delete my data", "hapus data", "delete my report"),
        (Command.DELETE, None),
    ),
    **dict.fromkeys(
        ("tarik persetujuan", "withdraw consent", "cabut persetujuan"), (Command.WITHDRAW, None)
    ),
    **dict.fromkeys(
        ("batasi", "restrict", "batasi data", "restrict my data"), (Command.RESTRICT, None)
    ),
    **dict.fromkeys(
        ("kata sandi", "code word", "ganti kata sandi", "change code word", "kata kunci"),
        (Command.CODE_WORD, None),
    ),
}
"""Whole messages that are commands (after folding case, spaces and a leading slash)."""

SLASH: Mapping[str, Command] = {
    **{command.value: command for command in Command},
    "hapus": Command.CLEAR_CHAT,
}

_FOLD = re.compile(r"[\s.!]+")


def parse_command(text: str) -> tuple[Command, str | None] | None:
    """Returns the command a whole typed message means, with its argument, or None."""
    folded = _FOLD.sub(" ", text.casefold()).strip()
    if folded.startswith("/"):
        name, _, argument = folded[1:].partition(" ")
        command = SLASH.get(name.split("@")[0])
        return (command, argument or None) if command else None
    return TYPED.get(folded)


def command_button(command: Command) -> str:
    """Returns the button id that stands for a command."""
    return f"{COMMAND_PREFIX}{command.value}"


def command_of_button(button_id: str) -> Command | None:
    """Returns the command a pressed button stands for, or None."""
    if not button_id.startswith(COMMAND_PREFIX):
        return None
    try:
        return Command(button_id[len(COMMAND_PREFIX) :])
    except ValueError:
        return None
