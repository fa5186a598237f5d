"""Sentences of the quick exit and of WhatsApp's neutral rendering (issue 6, S-03, S-04, S-06)."""

from flows.vocabulary import N_

TELEGRAM_CLEARED = N_(
    "Done: I removed our recent messages. To remove this chat too, press and hold it in your "
    "chat list and choose Delete."
)
WHATSAPP_HOW_TO_DELETE = N_(
    "To delete this chat: press and hold it in your chat list, then tap Delete."
)
ANSWERS_SAVED = N_("{count} answers saved. We do not repeat them here.")
"""Stands for the answers in WhatsApp's read-back: nothing personal sits in the chat."""
TEMPLATE_BODY = N_("Hello, you have a new message. Reply here to read it.")
"""The wording to register at Meta for the re-engagement template (no variables)."""
