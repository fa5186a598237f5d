"""What stops `suara` before it starts: one line naming the setting, the path and what is wrong.

An operator reads that line in a service log. A traceback there says nothing an operator can act
on and scrolls the cause away, so every start-up failure becomes one sentence and exit code 2.
"""

from __future__ import annotations

import contextlib
import logging
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError
from pydantic_settings import BaseSettings, SettingsError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from bot.casework import build_desk
from bot.safety import HelpContacts, KeyringError, install_keys, load_contacts
from bot.settings import Settings
from escalation.offices import ConfigError
from storage.db import normalise_url

log = logging.getLogger(__name__)

EXIT_CODE = 2
"""The exit status of a start-up refused for a setting (1 stays for a command that failed)."""


class StartupError(Exception):
    """A setting that stops start-up; str() is the one line to print."""

    def __init__(self, setting: str, problem: str, path: object | None = None) -> None:
        where = f" ({path.resolve() if isinstance(path, Path) else path})" if path else ""
        named = problem.startswith(setting) and not where  # the problem names it already
        super().__init__(f"suara: {problem}" if named else f"suara: {setting}{where}: {problem}")
        self.setting = setting


def groups() -> dict[str, type[BaseSettings]]:
    """Returns the settings groups by class name."""
    found: dict[str, type[BaseSettings]] = {}
    for info in Settings.model_fields.values():
        kind = info.annotation
        if isinstance(kind, type) and issubclass(kind, BaseSettings):
            found[kind.__name__] = kind
    return found


def setting_error(error: ValidationError | SettingsError) -> StartupError | None:
    """Returns the one-line error for an invalid setting (None: the error is not a setting's)."""
    if isinstance(error, SettingsError):
        field = re.search(r'field "([^"]+)"', str(error))
        names = [
            str(info.validation_alias or name)
            for group in groups().values()
            for name, info in group.model_fields.items()
            if field is not None and name == field.group(1)
        ]
        return StartupError(names[0] if names else "settings", "not valid JSON for this setting")
    if error.title not in groups():
        return None
    problems = error.errors(include_url=False, include_input=False)
    first = problems[0]
    setting = ".".join(str(part) for part in first["loc"]) or error.title
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return StartupError(setting, f"{first['msg']}{more}")


def read_settings() -> Settings:
    """Returns the settings, or refuses with the first invalid one named."""
    try:
        return Settings()
    except (ValidationError, SettingsError) as error:
        found = setting_error(error)
        if found is None:
            raise
        raise found from None
    except OSError as error:  # an unreadable .env
        raise StartupError(".env", error.strerror or str(error), Path(".env").resolve()) from None


def writable(setting: str, directory: Path) -> Path:
    """Makes the directory if needed and proves a file can be written there; returns it."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".suara-check-"):
            pass
    except OSError as error:
        problem = f"not a writable directory ({error.strerror or error})"
        raise StartupError(setting, problem, directory.resolve()) from None
    return directory.resolve()


def check_help_contacts(settings: Settings) -> HelpContacts:
    """Reads the help numbers file as the server will; returns what it holds."""
    path = settings.files.help_contacts_file
    try:
        return load_contacts(path)
    except OSError as error:
        raise StartupError("HELP_CONTACTS_FILE", error.strerror or str(error), path) from None
    except (ValueError, KeyError, TypeError) as error:
        raise StartupError("HELP_CONTACTS_FILE", _content_problem(error), path) from None


def check_offices(settings: Settings) -> int:
    """Reads the office config as the server will; returns how many offices it holds."""
    path = settings.escalation.offices_file
    if not path.is_file():
        raise StartupError("ESCALATION_OFFICES_FILE", "no such file", path)
    try:
        return len(build_desk(settings).directory.offices)
    except OSError as error:
        raise StartupError("ESCALATION_OFFICES_FILE", error.strerror or str(error), path) from None
    except (ConfigError, ValueError, KeyError, TypeError) as error:
        raise StartupError("ESCALATION_OFFICES_FILE", _content_problem(error), path) from None


def _content_problem(error: Exception) -> str:
    """Returns what is wrong inside a file, in one line."""
    if isinstance(error, KeyError):
        return f"an entry lacks {error}"
    first = str(error).splitlines()[0] if str(error) else type(error).__name__
    return f"not readable: {first}"


def check_keys(settings: Settings) -> None:
    """Installs the encryption keys the settings name, or refuses naming the missing one."""
    try:
        install_keys(settings)
    except KeyringError as error:
        text = str(error)
        named = re.match(r"(ENCRYPTION_[A-Z_]+)", text)
        guess = "ENCRYPTION_ADDRESS_KEY" if "address key" in text else "ENCRYPTION_KEYS"
        raise StartupError(named.group(1) if named else guess, text) from None


def shown_url(url: str) -> str:
    """Returns a database URL fit for a log line: the password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a URL)"


@contextlib.contextmanager
def database_errors(url: str) -> Iterator[None]:
    """Turns a database that cannot be used into one line naming DATABASE_URL."""
    try:
        normalise_url(url)
    except ValueError as error:  # the message names the backend, never the password
        raise StartupError("DATABASE_URL", f"not a database URL Suara can use ({error})") from None
    except ArgumentError:
        raise StartupError("DATABASE_URL", "not a database URL Suara can use") from None
    try:
        yield
    except NoSuchModuleError:
        raise StartupError("DATABASE_URL", "not a database URL Suara can use") from None
    except SQLAlchemyError as error:
        cause = str(getattr(error, "orig", None) or error).strip().splitlines()
        problem = f"cannot use the database: {cause[0] if cause else type(error).__name__}"
        raise StartupError("DATABASE_URL", problem, shown_url(url)) from None


def preflight(settings: Settings) -> None:
    """States the data directory, then refuses a start that the files or keys would stop."""
    data = settings.files.data_dir.resolve()
    log.info("data directory %s", data, extra={"data_dir": str(data)})
    writable("SUARA_DATA_DIR", data)
    writable("FILE_STORE", settings.files.store)
    check_offices(settings)
    check_help_contacts(settings)
    check_keys(settings)
