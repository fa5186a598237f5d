"""What every settings group shares: its environment config, secrets never placeholders."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, AliasGenerator, SecretStr
from pydantic_settings import SettingsConfigDict

PLACEHOLDERS = frozenset({"changeme", "change-me", "secret", "token", "xxx", "todo"})


def _refuse_placeholder(value: SecretStr | None) -> SecretStr | None:
    """Refuses secrets that are obviously placeholders."""
    if value is not None and value.get_secret_value().strip().lower() in PLACEHOLDERS:
        raise ValueError("a placeholder is not a secret: set the real value")
    return value


Secret = Annotated[SecretStr | None, AfterValidator(_refuse_placeholder)]
"""A secret that may be unset but is never a placeholder such as `changeme`."""


def packaged_config(name: str) -> Path:
    """Returns the path of a default config file shipped in the `config` package."""
    # an installed wheel is unpacked on disk, so the resource is a real file the loaders can read
    return Path(str(files("config").joinpath(name)))


def group_config(prefix: str = "") -> SettingsConfigDict:
    """Returns a group's config: each field reads PREFIX_FIELD, from the environment or `.env`."""
    return SettingsConfigDict(
        env_prefix=prefix,
        env_file=".env",
        extra="ignore",
        populate_by_name=True,
        alias_generator=AliasGenerator(validation_alias=lambda name: (prefix + name).upper()),
    )
