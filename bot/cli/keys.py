"""`suara keys new|rotate`: print a fresh key, or re-encrypt stored data with the current key."""

from __future__ import annotations

from bot.evidence import FileStore
from bot.safety import install_keys, key_report, rotate_keys
from bot.settings import Settings
from storage import crypto, db


def run(action: str, batch_size: int, settings: Settings, *, address: bool = False) -> int:
    """Runs one keys command; prints a key (new) or counts (rotate), never stored data."""
    if action == "new":
        print(crypto.new_address_key() if address else crypto.new_key())  # noqa: T201
        return 0
    install_keys(settings)
    engine = db.make_engine(settings.database.url, settings.database.timeouts(worker=True))
    try:
        result = rotate_keys(engine, FileStore(settings.files.store), batch=max(1, batch_size))
    finally:
        engine.dispose()
    for line in key_report(result):
        print(line)  # noqa: T201
    return 0
