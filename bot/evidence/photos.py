"""Photo clean copies: pixels only, without EXIF, GPS, XMP, ICC or comments."""

from __future__ import annotations

import io
import logging
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

LOSSLESS = frozenset({"PNG", "GIF", "BMP", "TIFF"})


class _NoDebug(logging.Filter):
    """Drops Pillow's debug records: they print EXIF values, GPS positions included."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keeps INFO and above."""
        return record.levelno >= logging.INFO


def _quiet_pillow() -> None:
    """Filters every Pillow logger, whatever level someone sets on it."""
    Image.init()
    names = [n for n in logging.Logger.manager.loggerDict if n == "PIL" or n.startswith("PIL.")]
    for name in names:
        logging.getLogger(name).addFilter(_NoDebug())


_quiet_pillow()


def strip_metadata(data: bytes) -> tuple[bytes, str] | None:
    """Returns (clean image bytes, file extension), or None when data is no readable image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                source_format = image.format or ""
                upright = ImageOps.exif_transpose(image)
                pixels = _pixels(upright)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombWarning):
        return None
    clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
    out = io.BytesIO()
    if source_format in LOSSLESS or clean.mode == "RGBA":
        clean.save(out, format="PNG")
        return out.getvalue(), ".png"
    clean.save(out, format="JPEG", quality=90)
    return out.getvalue(), ".jpg"


def _pixels(image: Image.Image) -> Image.Image:
    """Converts to RGB or RGBA so that no palette or profile travels with the pixels."""
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    return image.convert("RGBA" if has_alpha else "RGB")
