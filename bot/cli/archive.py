"""The archive `suara backup` writes and `suara restore` reads: member names and the manifest."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

FORMAT = "suara-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database/suara.db"
PG_MEMBER = "database/suara.pgdump"
FILES = "files/"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why (never data)."""


@dataclass
class Manifest:
    """What an archive holds: the database's revision and counts, every member's sha256."""

    created_at: str
    backend: str
    database: str | None
    revision: str | None
    counts: dict[str, int]
    checksums: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> bytes:
        """Returns the manifest as the archive stores it."""
        body = {
            "format": FORMAT,
            "created_at": self.created_at,
            "database": {
                "backend": self.backend,
                "member": self.database,
                "revision": self.revision,
                "counts": self.counts,
            },
            "files": sum(1 for name in self.checksums if name.startswith(FILES)),
            "checksums": self.checksums,
            "keys": "not included",
        }
        return json.dumps(body, indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> Manifest:
        """Reads a stored manifest; BackupError when it is not one of ours."""
        try:
            body: dict[str, Any] = json.loads(data)
            if body.get("format") != FORMAT:
                raise BackupError(f"not a {FORMAT} archive")
            base = body["database"]
            return cls(
                body["created_at"],
                base["backend"],
                base["member"],
                base["revision"],
                {str(k): int(v) for k, v in base["counts"].items()},
                {str(k): str(v) for k, v in body["checksums"].items()},
            )
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError("the manifest is unreadable") from error
