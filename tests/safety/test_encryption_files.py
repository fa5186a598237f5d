"""The file store: files encrypted at rest, photos get a clean copy without EXIF or GPS."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from enc_helpers import gps_jpeg
from PIL import ExifTags, Image

from bot.evidence.files import FileStore
from flows.vocabulary import MediaKind
from storage import crypto
from storage.models import Attachment


def test_files_are_encrypted_at_rest_and_read_back_identical(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    data = b"%PDF-1.4 kontrak kerja Planted Sdn Bhd"
    media = store.save(data, kind=MediaKind.DOCUMENT, mime_type="application/pdf")
    stored = (tmp_path / (media.path or "")).read_bytes()
    assert crypto.is_encrypted(stored)
    assert b"Planted" not in stored
    assert media.sha256 == hashlib.sha256(data).hexdigest()
    assert store.open(media.path or "") == data
    assert media.clean_path is None


def test_a_legacy_plaintext_file_still_opens(tmp_path: Path) -> None:
    (tmp_path / "old.bin").write_bytes(b"before encryption")
    assert FileStore(tmp_path).open("old.bin") == b"before encryption"


def test_a_photo_gets_a_clean_copy_without_exif_or_gps(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    photo = gps_jpeg(make="PlantedCam", comment="Rumah Majikan Planted")
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    media = store.save(photo, kind=MediaKind.PHOTO, mime_type="image/jpeg")
    assert store.open(media.path or "") == photo
    assert media.sha256 == hashlib.sha256(photo).hexdigest()
    assert media.clean_path
    assert media.clean_path != media.path
    clean = store.open(media.clean_path)
    assert media.clean_sha256 == hashlib.sha256(clean).hexdigest()
    with Image.open(io.BytesIO(clean)) as image:
        assert image.size == (64, 48)
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info
    for marker in (b"Exif", b"PlantedCam", b"Planted"):
        assert marker not in clean
    for path in (media.path, media.clean_path):
        raw = (tmp_path / path).read_bytes()
        assert crypto.is_encrypted(raw)
        assert b"PlantedCam" not in raw


def test_caseworkers_get_the_clean_copy_never_the_original(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    photo = gps_jpeg()
    media = store.save(photo, kind=MediaKind.PHOTO, mime_type="image/jpeg")
    row = Attachment(
        conversation_id=1,
        kind="photo",
        mime_type="image/jpeg",
        path=media.path,
        clean_path=media.clean_path,
    )
    assert store.caseworker_copy(row) == store.open(media.clean_path or "")
    row.clean_path = None
    assert store.caseworker_copy(row) is None
    doc = store.save(b"letter", kind=MediaKind.DOCUMENT, mime_type="text/plain")
    letter = Attachment(conversation_id=1, kind="document", mime_type="text/plain", path=doc.path)
    assert store.caseworker_copy(letter) == b"letter"


def test_a_broken_image_is_kept_without_a_clean_copy(tmp_path: Path) -> None:
    store = FileStore(tmp_path)
    media = store.save(b"\xff\xd8not really a jpeg", kind=MediaKind.PHOTO, mime_type="image/jpeg")
    assert media.path
    assert media.clean_path is None
    assert store.open(media.path) == b"\xff\xd8not really a jpeg"
