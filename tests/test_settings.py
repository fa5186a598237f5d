"""Settings: every README variable reaches its field from the environment and from `.env`."""

from __future__ import annotations

import re
import types
from enum import Enum
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr, ValidationError
from pydantic.fields import FieldInfo
from settings_helpers import groups, leaves

from bot.settings import PLACEHOLDERS, Settings

README = Path(__file__).parent.parent / "README.md"
SECRETS_REFUSING_PLACEHOLDERS = (
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_WEBHOOK_SECRET",
    "WHATSAPP_ACCESS_TOKEN",
    "WHATSAPP_APP_SECRET",
    "WHATSAPP_VERIFY_TOKEN",
    "ESCALATION_WEBHOOK_SECRET",
)


def documented() -> list[str]:
    """Returns the variables in the first column of the README's Configuration tables."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [name for row in rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])]


def field_of(variable: str) -> FieldInfo:
    """Returns the field a variable is read into."""
    group, field = leaves()[variable]
    return groups()[group].model_fields[field]


def sample(info: FieldInfo) -> tuple[str, Any]:
    """Returns a raw value unlike the default for a field, and what it should parse to."""
    kind = info.annotation
    if isinstance(kind, types.UnionType):
        kind = next(arg for arg in kind.__args__ if arg is not type(None))
    if kind is bool:
        return ("false", False) if info.default else ("true", True)
    if kind in (int, float):
        return str(int(info.default) + 1), int(info.default) + 1
    if isinstance(kind, type) and issubclass(kind, Enum):
        other = next(member for member in kind if member != info.default)
        return str(other.value), other
    if kind is Path:
        return "elsewhere/thing", Path("elsewhere/thing")
    if kind == tuple[float, ...]:
        return "[1, 2.5]", (1.0, 2.5)
    assert kind in (str, SecretStr), kind
    return "https://reached.example.org/x", "https://reached.example.org/x"


def read(settings: Settings, variable: str) -> Any:
    """Returns the value a variable reached, revealed when it is a secret."""
    group, field = leaves()[variable]
    value = getattr(getattr(settings, group), field)
    return value.get_secret_value() if isinstance(value, SecretStr) else value


@pytest.fixture
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """Runs in an empty directory with none of the settings' variables in the environment."""
    monkeypatch.chdir(tmp_path)
    for variable in leaves():
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


def test_the_readme_documents_every_setting_and_only_settings() -> None:
    names = documented()
    assert len(names) == len(set(names))
    assert set(names) == set(leaves())


@pytest.mark.parametrize("variable", documented())
def test_a_variable_reaches_its_field_from_the_environment(
    clean: pytest.MonkeyPatch, variable: str
) -> None:
    raw, expected = sample(field_of(variable))
    assert read(Settings(), variable) != expected
    clean.setenv(variable, raw)
    assert read(Settings(), variable) == expected


@pytest.mark.parametrize("variable", documented())
def test_a_variable_reaches_its_field_from_the_env_file(
    clean: pytest.MonkeyPatch, tmp_path: Path, variable: str
) -> None:
    raw, expected = sample(field_of(variable))
    (tmp_path / ".env").write_text(f"{variable}={raw}\n", encoding="utf-8")
    assert read(Settings(), variable) == expected


@pytest.mark.parametrize("variable", SECRETS_REFUSING_PLACEHOLDERS)
@pytest.mark.parametrize("placeholder", sorted(PLACEHOLDERS))
def test_a_placeholder_secret_is_refused_by_name(
    clean: pytest.MonkeyPatch, variable: str, placeholder: str
) -> None:
    clean.setenv(variable, f" {placeholder.upper()} ")
    with pytest.raises(ValidationError, match=rf"(?s){variable}.*placeholder"):
        Settings()


def test_a_real_secret_is_kept(clean: pytest.MonkeyPatch) -> None:
    clean.setenv("TELEGRAM_BOT_TOKEN", "123:real")
    assert read(Settings(), "TELEGRAM_BOT_TOKEN") == "123:real"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("TELEGRAM_MAX_CONNECTIONS", "101"),
        ("TELEGRAM_POLL_TIMEOUT", "-1"),
        ("WORKER_NICE", "20"),
        ("ESCALATION_REQUEST_TIMEOUT_SECONDS", "31"),
        ("TIMER_TICK_SECONDS", "0"),
        ("ALLOW_PRIVATE_WEBHOOK_TARGETS", "perhaps"),
    ],
)
def test_an_invalid_value_is_refused_naming_its_variable(
    clean: pytest.MonkeyPatch, tmp_path: Path, variable: str, value: str
) -> None:
    clean.setenv(variable, value)
    with pytest.raises(ValidationError, match=rf"\b{variable}\b"):
        Settings()
    clean.delenv(variable)
    (tmp_path / ".env").write_text(f"{variable}={value}\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=rf"\b{variable}\b"):
        Settings()


def test_the_environment_wins_over_the_env_file(clean: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DATABASE_URL=sqlite:///file.db\n", encoding="utf-8")
    clean.setenv("DATABASE_URL", "sqlite:///env.db")
    assert Settings().database.url == "sqlite:///env.db"
