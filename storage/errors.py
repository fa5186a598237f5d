"""Storage exceptions.

StorageError
├── StaleConversation   the conversation changed since it was loaded (optimistic check failed)
├── RowNotFound         a row named by id does not exist
└── NulCharacterError   a text value holds U+0000, which PostgreSQL text cannot store
"""


class StorageError(Exception):
    """Base class for every error raised by the storage package."""


class StaleConversation(StorageError):
    """The conversation row no longer has the version the caller loaded."""

    def __init__(self, conversation_id: int, expected_version: int) -> None:
        """Keep the ids for logs; the message carries ids only."""
        super().__init__(f"conversation {conversation_id} is not at version {expected_version}")
        self.conversation_id = conversation_id
        self.expected_version = expected_version


class RowNotFound(StorageError, LookupError):
    """A row looked up by primary key does not exist."""

    def __init__(self, table: str, row_id: int) -> None:
        """Name the table and id; never the row's content."""
        super().__init__(f"{table} {row_id} not found")
        self.table = table
        self.row_id = row_id


class NulCharacterError(StorageError, ValueError):
    """A text parameter contains U+0000; rejected on every database so behaviour is identical."""
