"""The code word: stored only as a salted scrypt hash; checked here, never shown to the engine."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, replace

from bot.envelopes import InboundEvent
from flows.commands import parse_command
from flows.state import Pending, State
from flows.vocabulary import CodeWord, InputKind, UserInput
from storage import models

log = logging.getLogger(__name__)

MAX_FAILURES = 3
"""Wrong tries after which the code word is locked until a caseworker unlocks it."""
MIN_LENGTH, MAX_LENGTH = 4, 40
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1


@dataclass(frozen=True)
class CodeWordFacts:
    """What the runner passes to the engine: the text (blank when it was a code word)."""

    text: str
    verdict: CodeWord | None
    is_set: bool


def normalise(word: str) -> str:
    """Returns the word as compared: case and surrounding or repeated spaces ignored."""
    return " ".join(word.casefold().split())


def hash_word(word: str) -> str:
    """Returns a salted scrypt hash of the word, with its parameters."""
    salt = secrets.token_bytes(16)
    digest = _scrypt(normalise(word), salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    encoded = [base64.b64encode(part).decode() for part in (salt, digest)]
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${encoded[0]}${encoded[1]}"


def matches(word: str, stored: str) -> bool:
    """Returns whether a word matches a stored hash (constant-time compare)."""
    try:
        name, n, r, p, salt, digest = stored.split("$")
        expected = base64.b64decode(digest)
        got = _scrypt(normalise(word), base64.b64decode(salt), int(n), int(r), int(p))
    except ValueError:
        return False
    return name == "scrypt" and hmac.compare_digest(got, expected)


def _scrypt(word: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(word.encode(), salt=salt, n=n, r=r, p=p, dklen=32)


def is_code_word_input(state: State | None, event: InboundEvent) -> bool:
    """Returns whether this input is a typed code word (not a command or a button)."""
    waiting = state is not None and state.pending in (
        Pending.CODE_WORD_NEW,
        Pending.CODE_WORD_CHECK,
    )
    return waiting and event.kind is InputKind.TEXT and parse_command(event.text) is None


def facts(reporter: models.Reporter, state: State | None, event: InboundEvent) -> CodeWordFacts:
    """Stores or checks a typed code word; the engine gets only the verdict."""
    is_set = reporter.code_word_hash is not None
    if not is_code_word_input(state, event):
        return CodeWordFacts(event.text, None, is_set)
    assert state is not None
    if state.pending is Pending.CODE_WORD_NEW:
        return CodeWordFacts("", set_word(reporter, event.text), is_set)
    return CodeWordFacts("", check(reporter, event.text), is_set)


def with_code_word(
    user_input: UserInput, reporter: models.Reporter, state: State | None, event: InboundEvent
) -> UserInput:
    """Returns the input with the code-word facts, and without a typed code word."""
    found = facts(reporter, state, event)
    return replace(user_input, text=found.text, code_word=found.verdict, code_word_set=found.is_set)


def set_word(reporter: models.Reporter, word: str) -> CodeWord:
    """Stores the hash of a new code word, if it is a usable one."""
    if not MIN_LENGTH <= len(normalise(word)) <= MAX_LENGTH:
        return CodeWord.INVALID
    reporter.code_word_hash = hash_word(word)
    reporter.code_word_failures = 0
    log.info("code word saved", extra={"reporter_id": reporter.id})
    return CodeWord.SAVED


def check(reporter: models.Reporter, word: str) -> CodeWord:
    """Checks a typed code word; counts failures and locks after the third one."""
    if reporter.code_word_hash is None:
        return CodeWord.RIGHT
    if reporter.code_word_failures >= MAX_FAILURES:
        log.warning("code word tried while locked", extra={"reporter_id": reporter.id})
        return CodeWord.WRONG
    if matches(word, reporter.code_word_hash):
        reporter.code_word_failures = 0
        return CodeWord.RIGHT
    reporter.code_word_failures += 1
    if reporter.code_word_failures >= MAX_FAILURES:
        log.warning("code word locked", extra={"reporter_id": reporter.id})
        return CodeWord.LOCKED
    log.info("code word wrong", extra={"reporter_id": reporter.id})
    return CodeWord.WRONG


def unlock(reporter: models.Reporter) -> None:
    """Clears the failure count after a caseworker verified the reporter another way."""
    reporter.code_word_failures = 0
