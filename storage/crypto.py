"""Field-level encryption at rest: a process keyring and column types that encrypt on write.

Values are Fernet tokens behind a marker. The first key encrypts, every key decrypts, so keys can
be rotated: add a new key in front, re-encrypt (`suara keys rotate`), then drop the old one.
A value without the marker is a plaintext row from before encryption and still reads back.
storage reads no settings: the bot calls use_keys() at startup.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives.ciphers.aead import AESSIV
from sqlalchemy import LargeBinary, String, Text
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.mutable import MutableDict, MutableList
from sqlalchemy.types import TypeDecorator

MARKER = b"enc:v1:"
"""Starts every encrypted value (text columns store it as ASCII)."""


class KeyringError(RuntimeError):
    """No keyring is set, or no key of it opens a value; the message never holds data."""


_Key = TypeVar("_Key")


class _Slot(Generic[_Key]):
    """One process-wide key, set at startup; using it while unset refuses loudly."""

    def __init__(self, missing: str) -> None:
        self.value: _Key | None = None
        self.missing = missing

    def get(self) -> _Key:
        """Returns the key or refuses (never writes plaintext by accident)."""
        if self.value is None:
            raise KeyringError(self.missing)
        return self.value


class _Keyring:
    """The keys in use: index 0 encrypts, all of them decrypt."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise KeyringError("the encryption keyring needs at least one key")
        try:
            self.fernets = [Fernet(key.strip().encode()) for key in keys]
        except ValueError as error:
            raise KeyringError("an encryption key is not a valid Fernet key") from error
        self.all = MultiFernet(self.fernets)


_keyring = _Slot[_Keyring]("no encryption keys set: set ENCRYPTION_KEYS (see docs/safety.md)")


def use_keys(keys: Sequence[str]) -> None:
    """Sets the process keyring (first key current); called once at startup and by tests."""
    _keyring.value = _Keyring(list(keys))


def clear_keys() -> None:
    """Forgets the keyring, so that reads and writes of encrypted values fail loudly."""
    _keyring.value = None


def has_keys() -> bool:
    """Tells whether a keyring is set."""
    return _keyring.value is not None


def new_key() -> str:
    """Returns a fresh random Fernet key."""
    return Fernet.generate_key().decode()


def is_encrypted(data: bytes) -> bool:
    """Tells whether data carries the encryption marker."""
    return data.startswith(MARKER)


def encrypt(data: bytes) -> bytes:
    """Encrypts with the current key and adds the marker."""
    return MARKER + _keyring.get().fernets[0].encrypt(data)


def decrypt(data: bytes) -> bytes:
    """Decrypts a marked value with any key; unmarked (legacy plaintext) data is returned as is."""
    if not is_encrypted(data):
        return data
    try:
        return _keyring.get().all.decrypt(data[len(MARKER) :])
    except InvalidToken as error:
        raise KeyringError("no encryption key opens this value (a removed key?)") from error


def is_current(data: bytes) -> bool:
    """Tells whether data is encrypted with the current key (nothing for rotation to do)."""
    if not is_encrypted(data):
        return False
    try:
        _keyring.get().fernets[0].decrypt(data[len(MARKER) :])
    except InvalidToken:
        return False
    return True


def reencrypt(data: bytes) -> bytes | None:
    """Returns data encrypted with the current key, or None when it already is."""
    if is_current(data):
        return None
    return encrypt(decrypt(data))


class EncryptedBytes(TypeDecorator[bytes]):
    """A binary column stored encrypted."""

    impl = LargeBinary
    cache_ok = True

    def process_bind_param(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        """Encrypts on write."""
        return None if value is None else encrypt(bytes(value))

    def process_result_value(self, value: bytes | None, dialect: Dialect) -> bytes | None:
        """Decrypts on read (legacy plaintext passes through)."""
        return None if value is None else decrypt(bytes(value))


class EncryptedText(TypeDecorator[str]):
    """A text column stored encrypted (the token is ASCII)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """Encrypts on write."""
        return None if value is None else encrypt(value.encode()).decode("ascii")

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        """Decrypts on read (legacy plaintext passes through)."""
        return None if value is None else decrypt(value.encode()).decode()


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON document (dict or list) stored as encrypted text; legacy JSON text still reads."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        """Serialises, then encrypts on write."""
        if value is None:
            return None
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return encrypt(text.encode()).decode("ascii")

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        """Decrypts, then parses on read (a driver may hand legacy JSON back already parsed)."""
        if value is None or not isinstance(value, str | bytes):
            return value
        raw = value.encode() if isinstance(value, str) else value
        return json.loads(decrypt(raw))


EncryptedDict = MutableDict.as_mutable(EncryptedJSON())
"""An encrypted JSON object column that tracks top-level changes."""
EncryptedList = MutableList.as_mutable(EncryptedJSON())
"""An encrypted JSON array column that tracks top-level changes."""


# ----------------------------------------------------------------- sealed channel addresses

SEALED = "sid1:"
"""Starts every sealed address (a chat id, a phone number) in its column."""

_address_key = _Slot[list[AESSIV]](
    "no address key set: set ENCRYPTION_ADDRESS_KEY (see docs/safety.md)"
)


def use_address_key(key: str) -> None:
    """Sets the keys that seal channel addresses (base64 of 64 random bytes each).

    Comma-separated like ENCRYPTION_KEYS: the first seals and is what lookups compare with, the
    others only open addresses not yet re-sealed (`suara keys rotate --address`).
    """
    parts = [part.strip() for part in key.split(",") if part.strip()]
    if not parts:
        raise KeyringError("the address key is empty")
    try:
        _address_key.value = [AESSIV(base64.urlsafe_b64decode(part.encode())) for part in parts]
    except (ValueError, binascii.Error) as error:
        raise KeyringError("the address key is not 64 bytes of url-safe base64") from error


def clear_address_key() -> None:
    """Forgets the address key, so that reads and writes of addresses fail loudly."""
    _address_key.value = None


def has_address_key() -> bool:
    """Tells whether an address key is set."""
    return _address_key.value is not None


def new_address_key() -> str:
    """Returns a fresh random address key."""
    return base64.urlsafe_b64encode(AESSIV.generate_key(512)).decode()


def seal(value: str) -> str:
    """Encrypts an address deterministically: equal addresses give equal sealed values."""
    token = _address_key.get()[0].encrypt(value.encode(), None)
    return SEALED + base64.urlsafe_b64encode(token).decode("ascii")


def _open_token(value: str, keys: Sequence[AESSIV]) -> str | None:
    """Opens a sealed address with the first of keys that fits; None when none does."""
    try:
        token = base64.urlsafe_b64decode(value[len(SEALED) :].encode())
    except (ValueError, binascii.Error) as error:
        raise KeyringError("a sealed address is damaged") from error
    for key in keys:
        try:
            return key.decrypt(token, None).decode()
        except (InvalidTag, ValueError):
            continue
    return None


def unseal(value: str) -> str:
    """Opens a sealed address; an unsealed (legacy plaintext) one is returned as it is."""
    if not value.startswith(SEALED):
        return value
    opened = _open_token(value, _address_key.get())
    if opened is None:
        raise KeyringError("the address key does not open this value (another key?)")
    return opened


def reseal(value: str) -> str | None:
    """Returns an address sealed with the current key, or None when it already is."""
    if value.startswith(SEALED) and _open_token(value, _address_key.get()[:1]) is not None:
        return None
    return seal(unseal(value))


class SealedText(TypeDecorator[str]):
    """A channel address (chat id, phone number) stored sealed, still usable in lookups.

    Sealing is deterministic (AES-SIV), so equality, IN, joins, unique constraints and indexes
    work on the sealed values; the order of addresses is not kept, and nothing else leaks but
    whether two addresses are equal.
    """

    impl = String
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """Seals on write and in comparisons (any text, U+0000 included, seals safely)."""
        return None if value is None else seal(str(value))

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        """Opens on read (legacy plaintext passes through)."""
        return None if value is None else unseal(value)
