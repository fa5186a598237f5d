"""Builds Settings in tests from overrides named like their environment variables."""

from __future__ import annotations

from typing import Any

from pydantic_settings import BaseSettings

from bot.settings import Settings


def groups() -> dict[str, type[BaseSettings]]:
    """Returns each group of Settings by its attribute name."""
    found: dict[str, type[BaseSettings]] = {}
    for name, info in Settings.model_fields.items():
        assert isinstance(info.annotation, type)
        assert issubclass(info.annotation, BaseSettings)
        found[name] = info.annotation
    return found


def leaves() -> dict[str, tuple[str, str]]:
    """Returns every environment variable Settings reads, mapped to its group and field."""
    found: dict[str, tuple[str, str]] = {}
    for group, cls in groups().items():
        for field, info in cls.model_fields.items():
            assert isinstance(info.validation_alias, str), (group, field)
            found[info.validation_alias] = (group, field)
    return found


def _split(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Sorts lower-case variable names into their group's field overrides."""
    by_name = {variable.lower(): place for variable, place in leaves().items()}
    split: dict[str, dict[str, Any]] = {group: {} for group in groups()}
    for name, value in values.items():
        group, field = by_name[name]  # a KeyError names a setting that does not exist
        split[group][field] = value
    return split


def make_settings(*, env_file: str | None = ".env", **values: Any) -> Settings:
    """Returns Settings with `database_url=...` style overrides; the rest read the environment."""
    split = _split(values)
    built = {name: cls(_env_file=env_file, **split[name]) for name, cls in groups().items()}
    return Settings(**built)


def overridden(settings: Settings, **values: Any) -> Settings:
    """Returns a copy of settings with `telegram_webhook_url=...` style overrides."""
    update = {
        group: getattr(settings, group).model_copy(update=fields)
        for group, fields in _split(values).items()
        if fields
    }
    return settings.model_copy(update=update)
