"""Fixtures for the operator's commands: a clean environment in an empty folder."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring_values import TEST_ADDRESS_KEY, TEST_KEYS
from settings_helpers import leaves

from storage import crypto


@pytest.fixture
def empty_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    """Runs in an empty folder with none of Suara's variables set; puts the test keys and the
    root log handlers back afterwards (the commands install keys and configure logging)."""
    folder = tmp_path / "empty"
    folder.mkdir()
    monkeypatch.chdir(folder)
    for variable in leaves():
        monkeypatch.delenv(variable, raising=False)
    handlers = list(logging.root.handlers)
    yield folder
    logging.root.handlers[:] = handlers
    crypto.use_keys(TEST_KEYS)
    crypto.use_address_key(TEST_ADDRESS_KEY)
