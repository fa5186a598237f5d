"""What the quick exit tells the reporter: the chat is cleared, or how to delete it (S-03, S-04)."""

from flows.vocabulary import N_

TELEGRAM_CLEARED = N_(
    "Done: I removed our recent messages. To remove this chat too, press and hold it in your "
    "chat list and choose Delete."
)
WHATSAPP_HOW_TO_DELETE = N_(
    "To delete this chat: press and hold it in your chat list, then tap Delete."
)
