"""Suara's own file store: evidence copied in at once, named by content hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from pathlib import Path

from bot.envelopes import StoredMedia
from flows.vocabulary import MediaKind

MAX_BYTES = 20 * 1024 * 1024
"""The largest file Suara keeps (Telegram's getFile limit, and enough for a phone photo)."""


class FileStore:
    """Keeps files under one root folder; rows store only the relative path."""

    def __init__(self, root: Path, max_bytes: int = MAX_BYTES) -> None:
        self.root, self.max_bytes = root, max_bytes

    def save(
        self, data: bytes, *, kind: MediaKind, mime_type: str, external_ref: str | None = None
    ) -> StoredMedia:
        """Writes a file (once per content) and returns where and what it is."""
        if len(data) > self.max_bytes:
            return self.too_large(
                len(data), kind=kind, mime_type=mime_type, external_ref=external_ref
            )
        digest = hashlib.sha256(data).hexdigest()
        extension = mimetypes.guess_extension(mime_type.split(";")[0].strip()) or ".bin"
        month = dt.datetime.now(dt.UTC).strftime("%Y/%m")
        relative = f"{month}/{digest}{extension}"
        target = self.root / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_suffix(target.suffix + ".part")
            partial.write_bytes(data)
            partial.replace(target)
        return StoredMedia(
            kind=kind,
            mime_type=mime_type,
            size_bytes=len(data),
            sha256=digest,
            path=relative,
            external_ref=external_ref,
        )

    def too_large(
        self, size: int, *, kind: MediaKind, mime_type: str, external_ref: str | None = None
    ) -> StoredMedia:
        """Returns the record of a file refused for its size (nothing is written)."""
        return StoredMedia(
            kind=kind,
            mime_type=mime_type,
            size_bytes=size,
            too_large=True,
            external_ref=external_ref,
        )

    def open(self, relative: str) -> bytes:
        """Returns a stored file's bytes; refuses paths outside the store."""
        target = (self.root / relative).resolve()
        if self.root.resolve() not in target.parents:
            raise PermissionError("path outside the file store")
        return target.read_bytes()
