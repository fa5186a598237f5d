"""Evidence: the encrypted, content-addressed file store and EXIF-free photo copies.

Other rooms use only these names; the modules behind them are this room's own.
"""

from bot.evidence.files import FileStore

__all__ = ["FileStore"]
