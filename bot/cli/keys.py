"""`suara keys new|rotate`: print a fresh key, or re-encrypt stored data with the current key.

`rotate --address` re-seals only the channel addresses with the first key of
ENCRYPTION_ADDRESS_KEY (`<new>,<old>`), batch by batch; run it with serve and the worker
stopped, since lookups compare with the new key only (docs/safety.md, "Changing the address key").
"""

from __future__ import annotations

import sqlalchemy as sa

from bot.evidence import FileStore
from bot.safety import KeyringError, install_keys, key_report, rotate_keys
from bot.settings import Settings
from storage import crypto, db

OLD_KEY_HINT = (
    "keep the old key after the new one (ENCRYPTION_KEYS=<new>,<old>, or "
    "ENCRYPTION_ADDRESS_KEY=<new>,<old>) and run it again: it goes on where it stopped"
)


def run(action: str, batch_size: int, settings: Settings, *, address: bool = False) -> int:
    """Runs one keys command; prints a key (new) or counts (rotate), never stored data."""
    if action == "new":
        print(crypto.new_address_key() if address else crypto.new_key())  # noqa: T201
        return 0
    install_keys(settings)
    engine = db.make_engine(settings.database.url, settings.database.timeouts(worker=True))
    store = FileStore(settings.files.store)
    try:
        result = rotate_keys(engine, store, batch=max(1, batch_size), addresses_only=address)
    except KeyringError as error:
        print(f"suara keys rotate: {error}; {OLD_KEY_HINT}")  # noqa: T201
        return 1
    except sa.exc.IntegrityError:
        print(  # noqa: T201
            "suara keys rotate: a re-sealed address is already stored under the new key "
            "(did serve or the worker run during the rotation?): stop them and run it again"
        )
        return 1
    finally:
        engine.dispose()
    for line in key_report(result):
        print(line)  # noqa: T201
    return 0
