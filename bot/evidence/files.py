"""Suara's own file store: evidence copied in at once, named by content hash, encrypted at rest.

Every file is written encrypted with the current key (storage.crypto) and read back decrypted;
sha256 is always the hash of the plaintext. A photo also gets a clean copy without EXIF or GPS,
encrypted too: that copy is what caseworkers get, the original is kept for evidence.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import mimetypes
from collections.abc import Iterator
from pathlib import Path

from bot.envelopes import StoredMedia
from bot.evidence.photos import strip_metadata
from flows.vocabulary import MediaKind
from storage import crypto, models

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
"""The largest file Suara keeps (Telegram's getFile limit, and enough for a phone photo)."""


class FileStore:
    """Keeps files under one root folder; rows store only the relative path."""

    def __init__(self, root: Path, max_bytes: int = MAX_BYTES) -> None:
        self.root, self.max_bytes = root, max_bytes

    def save(
        self, data: bytes, *, kind: MediaKind, mime_type: str, external_ref: str | None = None
    ) -> StoredMedia:
        """Writes a file (once per content) and its clean copy if it is a photo."""
        if len(data) > self.max_bytes:
            return self.too_large(
                len(data), kind=kind, mime_type=mime_type, external_ref=external_ref
            )
        digest = hashlib.sha256(data).hexdigest()
        extension = mimetypes.guess_extension(mime_type.split(";")[0].strip()) or ".bin"
        month = dt.datetime.now(dt.UTC).strftime("%Y/%m")
        relative = f"{month}/{digest}{extension}"
        self._write(relative, data)
        clean_path = clean_sha256 = None
        if mime_type.lower().startswith("image/"):
            clean = strip_metadata(data)
            if clean is None:
                log.warning("photo not decodable: no clean copy", extra={"sha256": digest})
            else:
                clean_bytes, clean_extension = clean
                clean_sha256 = hashlib.sha256(clean_bytes).hexdigest()
                clean_path = f"{month}/{digest}.clean{clean_extension}"
                self._write(clean_path, clean_bytes)
        return StoredMedia(
            kind=kind,
            mime_type=mime_type,
            size_bytes=len(data),
            sha256=digest,
            path=relative,
            external_ref=external_ref,
            clean_path=clean_path,
            clean_sha256=clean_sha256,
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
        """Returns a stored file's plaintext bytes; refuses paths outside the store."""
        return crypto.decrypt(self._target(relative).read_bytes())

    def caseworker_copy(self, attachment: models.Attachment) -> bytes | None:
        """Returns what a caseworker may see: a photo's clean copy, never its original."""
        if attachment.clean_path:
            return self.open(attachment.clean_path)
        is_image = (attachment.mime_type or "").lower().startswith("image/")
        if attachment.path and not is_image and attachment.kind != MediaKind.PHOTO:
            return self.open(attachment.path)
        return None

    def files(self) -> Iterator[Path]:
        """Yields every stored file (not partial writes)."""
        if self.root.exists():
            for path in sorted(self.root.rglob("*")):
                if path.is_file() and not path.name.endswith(".part"):
                    yield path

    def reencrypt(self, path: Path) -> bool:
        """Re-encrypts one stored file with the current key; False when it already was."""
        fresh = crypto.reencrypt(path.read_bytes())
        if fresh is None:
            return False
        _atomic_write(path, fresh)
        return True

    def _target(self, relative: str) -> Path:
        """Resolves a relative path inside the store, refusing anything outside it."""
        target = (self.root / relative).resolve()
        if self.root.resolve() not in target.parents:
            raise PermissionError("path outside the file store")
        return target

    def _write(self, relative: str, data: bytes) -> None:
        """Writes data encrypted unless the file is already there."""
        target = self._target(relative)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            _atomic_write(target, crypto.encrypt(data))


def _atomic_write(target: Path, data: bytes) -> None:
    """Writes through a partial file so that a crash never leaves half a file."""
    partial = target.with_suffix(target.suffix + ".part")
    partial.write_bytes(data)
    partial.replace(target)
