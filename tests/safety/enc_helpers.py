"""Helpers for the encryption tests: keyrings, raw column reads, and a photo with GPS EXIF."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from PIL import ExifTags, Image

from storage import crypto

KEY1 = "7F2cdW1ZC8VYx6bDdI7mKk3WlK4h1VgQ3H8v0J9q2aE="
KEY2 = "pQh3n1m8vYl2Zr6cT0sXb4kA9eWj5uDf7gHiKoLnMqE="


@contextmanager
def keyring(keys: Sequence[str], restore: Sequence[str]) -> Iterator[None]:
    """Uses keys for the block, then puts restore (the session's test keys) back."""
    crypto.use_keys(keys)
    try:
        yield
    finally:
        crypto.use_keys(restore)


def raw_values(engine: sa.Engine, table: str, column: str, binary: bool = False) -> list[bytes]:
    """Returns a column's stored values as bytes, bypassing decryption."""
    kind: sa.types.TypeEngine[object] = sa.LargeBinary() if binary else sa.Text()
    raw = sa.table(table, sa.column(column, kind))
    with engine.connect() as connection:
        values = connection.execute(sa.select(raw.c[column])).scalars().all()
    return [bytes(v) if isinstance(v, bytes | memoryview) else str(v).encode() for v in values]


def gps_jpeg(make: str = "PlantedCam", comment: str = "") -> bytes:
    """Returns a small JPEG whose EXIF holds a camera make, a GPS position and a comment."""
    image = Image.new("RGB", (64, 48), (180, 40, 40))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = make
    if comment:
        exif[ExifTags.Base.ImageDescription] = comment
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (6.0, 12.0, 34.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (106.0, 49.0, 12.25)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()
