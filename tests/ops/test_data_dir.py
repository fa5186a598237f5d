"""SUARA_DATA_DIR holds every data path not set on its own; config and catalogs come from the
package unless a path is set."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest

from bot.cli.demo import secret_path
from bot.i18n import LOCALES_DIR, Catalogs
from bot.safety.keys import key_file
from bot.settings import Settings, packaged_config
from flows.vocabulary import Locale


def test_the_data_paths_follow_the_data_dir(
    empty_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUARA_DATA_DIR", "/srv/suara-data")
    settings = Settings()
    assert settings.database.url == "sqlite:////srv/suara-data/suara.db"
    assert settings.files.store == Path("/srv/suara-data/files")
    assert key_file(settings) == Path("/srv/suara-data/suara.db.key")
    monkeypatch.setenv("DEMO", "true")
    assert Settings().database.url == "sqlite:////srv/suara-data/demo.db"


def test_a_path_set_on_its_own_wins_over_the_data_dir(
    empty_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUARA_DATA_DIR", "/srv/suara-data")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://suara@db/suara")
    monkeypatch.setenv("FILE_STORE", "/mnt/evidence")
    settings = Settings()
    assert settings.database.url == "postgresql+psycopg://suara@db/suara"
    assert settings.files.store == Path("/mnt/evidence")
    assert key_file(settings) == Path("/srv/suara-data/suara.key")
    assert secret_path(settings) == Path("/srv/suara-data/demo.console")


def test_the_default_is_var_in_the_folder_suara_starts_in(empty_folder: Path) -> None:
    settings = Settings()
    assert settings.files.data_dir == Path("var")
    assert settings.database.url == "sqlite:///var/suara.db"
    assert settings.files.store == Path("var/files")


def test_config_files_come_from_the_package_unless_set(
    empty_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = Path(str(files("config")))
    settings = Settings()
    assert settings.escalation.offices_file == package / "offices.toml"
    assert settings.files.help_contacts_file == packaged_config("help_contacts.toml")
    assert settings.files.help_contacts_file.is_file()
    monkeypatch.setenv("HELP_CONTACTS_FILE", "mine.toml")
    monkeypatch.setenv("ESCALATION_OFFICES_FILE", "/etc/suara/offices.toml")
    settings = Settings()
    assert settings.files.help_contacts_file == Path("mine.toml")
    assert settings.escalation.offices_file == Path("/etc/suara/offices.toml")


def test_the_catalogs_are_the_locales_package(empty_folder: Path) -> None:
    assert Path(str(files("locales"))) == LOCALES_DIR
    assert (LOCALES_DIR / "id" / "LC_MESSAGES" / "messages.po").is_file()
    assert Catalogs(LOCALES_DIR).gettext(Locale.ID, "Yes") == "Ya"
