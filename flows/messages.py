"""Sentences the engine says on its own: help, re-prompts, commands, resume and reminders."""

from __future__ import annotations

from flows.vocabulary import N_

# Shown as written, in the other language, so that a reader of either can switch.
SWITCH_TO_EN = "Type ENGLISH to use English."
SWITCH_TO_ID = "Ketik INDONESIA untuk memakai Bahasa Indonesia."
GREETING = N_("Hello. I can help you send a report safely. You can stop at any time.")
NOT_UNDERSTOOD_CHOICE = N_(
    "Sorry, I did not understand. Please press a button or type the number of your answer."
)
NOT_UNDERSTOOD_TEXT = N_("Sorry, I could not read that. Please type your answer in words.")
NOT_UNDERSTOOD_PAUSE = N_(
    "Sorry, I could not read that. You can type your answer or press a button."
)
MEDIA_KEPT_CHOOSE = N_("Thank you, we kept your file. Please also answer the question.")
MEDIA_TOO_LARGE = N_(
    "That file is too large for us to receive (over 20 MB). "
    "Please send a shorter video, a photo, or describe it in words."
)
MEDIA_RECEIVED = N_("Received. Send more, or press Done.")
MULTI_SELECTED = N_("Chosen so far: {chosen}. Choose more, or press Done.")
MULTI_NONE = N_("Nothing is chosen yet. Choose at least one, then press Done.")
MULTI_CHOSEN = N_("Chosen: {chosen}.")
CANNOT_SKIP = N_("This question is needed to continue. Please choose an answer.")
CANNOT_GO_BACK = N_("This is the first question. There is nothing to go back to.")
HELP = N_(
    "You can type at any time:\n"
    "BACK to change the last answer\n"
    "SKIP to skip a question\n"
    "CANCEL to stop this report\n"
    "START OVER to begin again\n"
    "ENGLISH or INDONESIA to change language\n"
    "PERSON to talk to a person\n"
    "MY DATA to see, correct or delete your data\n"
    "CLEAR CHAT to clear this chat"
)
CANCELLED = N_(
    "Your report is cancelled. We will not send you anything more. "
    "Write to us at any time to start again."
)
RESTARTED = N_("Okay, we start again from the beginning.")
HANDOVER = N_(
    "A Migrant CARE caseworker will read your messages and answer here by {deadline}. "
    "You can keep answering the questions meanwhile."
)
HANDOVER_NO_CONSENT = N_(
    "A Migrant CARE caseworker will answer here by {deadline}. "
    "We keep only this request until then."
)
RESUME = N_("Welcome back. Do you want to continue where you stopped, or start again?")
RESUME_CONTINUE = N_("Continue")
RESUME_RESTART = N_("Start again")
REMINDER = N_("Hello again. You can continue whenever it suits you: just reply here.")
MINOR = N_(
    "Thank you for telling us. Because you are under 18, a Migrant CARE person will continue "
    "with you here by {deadline}. You do not need to answer more questions."
)
HELD = N_(
    "Thank you. A Migrant CARE caseworker is handling your case {reference} "
    "and will answer you here."
)
FOLLOW_UP = N_(
    "Thank you. We added your message to case {reference}. A caseworker will answer here."
)
EDIT_PICK = N_("Which answer do you want to change?")
LANGUAGE_SWITCHED = N_("Okay, we continue in English.")
BUTTON_DONE = N_("Done")
BUTTON_SKIP = N_("Skip")
BUTTON_BACK = N_("Back")
BUTTON_CONFIRM = N_("Yes, send it")
BUTTON_EDIT = N_("Change an answer")
SUMMARY_LINE = N_("{number}. {question}: {answer}")
SKIPPED = N_("(skipped)")
FILES_COUNT = N_("{count} file(s)")
COLLECT_WAITING = N_("Send a photo or file, or press Done.")
MENU = N_("What do you want to do?")
BUTTON_MENU = N_("Menu")
BUTTON_HELP = N_("Help")
BUTTON_CANCEL = N_("Cancel report")
BUTTON_RESTART = N_("Start over")
BUTTON_HUMAN = N_("Talk to a person")
CONTACT_KEPT = N_("Thank you, we kept the contact with your report.")
PLACE_CONFIRM = N_(
    "A location shows where you are to anyone who sees this chat. Keep it with your report?"
)
PLACE_KEPT = N_("Thank you, we kept the location with your report.")
PLACE_NOT_KEPT = N_("Okay, we did not keep it. You can delete it from this chat.")
# The reporter's say over their data: see, correct or delete it, a code word, the quick exit,
# and consent before a case is shared.
BUTTON_MY_DATA = N_("My data")
BUTTON_CLEAR_CHAT = N_("Clear chat")
BUTTON_CORRECT = N_("Correct my data")
BUTTON_DELETE = N_("Delete my data")
BUTTON_WITHDRAW = N_("Withdraw consent")
BUTTON_RESTRICT = N_("Pause use of my data")
BUTTON_CODE_WORD = N_("Code word")
BUTTON_YES = N_("Yes")
BUTTON_NO = N_("No")
BUTTON_NO_THANKS = N_("No, thanks")
DATA_SHOWN = N_("This is what you told us in this chat:")
DATA_NONE = N_("We have no answers from you in this chat.")
DATA_COPY = N_(
    "A caseworker will send you a full copy by {deadline}. "
    "You can also correct or delete your data:"
)
CORRECT_SENT = N_(
    "Write here what is wrong. A caseworker will correct it by {deadline} and tell you."
)
DELETE_SENT = N_(
    "We will delete your data by {deadline}. A caseworker may write once to confirm. "
    "We ask you nothing more."
)
WITHDRAW_SENT = N_(
    "Your consent is withdrawn. We stop now and send no reminders. "
    "A caseworker will tell you by {deadline} what we delete."
)
RESTRICT_SENT = N_(
    "We pause the use of your data now and send no reminders. "
    "A caseworker will confirm by {deadline}."
)
CODE_WORD_OFFER = N_(
    "Do you want a code word? We will ask for it before we show your answers again."
)
CODE_WORD_ASK_NEW = N_(
    "Type your code word: a word only you know, 4 to 40 letters. Do not use a password."
)
CODE_WORD_INVALID = N_("Please type a word of 4 to 40 letters, or press Skip.")
CODE_WORD_SAVED = N_("Saved. Delete your message with the code word from this chat.")
CODE_WORD_SKIPPED = N_("Okay, no code word. Type CODE WORD if you want one later.")
CODE_WORD_ASK = N_("Please type your code word first.")
CODE_WORD_PUBLIC_ONLY = N_(
    "We cannot show anything here now. If you need help, you can call:\n{contacts}"
)
SHARE_QUESTION = N_("May we pass your case to {recipient} so they can help? Only what they need.")
SHARE_YES = N_("Thank you. We will share it with {recipient} and tell you what happens.")
SHARE_NO = N_("Okay. We will not share it with {recipient}.")
# Checking a typed answer against what its step expects (flows.checking).
CHECK_MONTHS = N_("Did you mean {count} months?")
CHECK_DATE = N_("Did you mean {date}?")
CHECK_FUTURE = N_(
    "That date has not come yet. Please write when it happened, for example: March 2026."
)
KEPT_AS_WRITTEN = N_("Okay, we keep it as you wrote it. A caseworker will check it.")
LEBARAN_WHICH = N_("Which Lebaran do you mean?")
BUTTON_LEBARAN = N_("Lebaran {year}")
CURRENCY_CONFIRM = N_("You wrote “{text}”. Is that {amount}?")
CURRENCY_WHICH = N_("You wrote “{text}”. Which currency is that?")
BUTTON_OTHER_CURRENCY = N_("Another currency")
BUTTON_CURRENCY_UNKNOWN = N_("I do not know")
BUTTON_CURRENCY_MYR = N_("Ringgit (RM)")
BUTTON_CURRENCY_HKD = N_("HK dollar (HK$)")
BUTTON_CURRENCY_TWD = N_("Taiwan dollar (NT$)")
BUTTON_CURRENCY_SAR = N_("Riyal (SAR)")
BUTTON_CURRENCY_SGD = N_("Singapore dollar (S$)")
BUTTON_CURRENCY_IDR = N_("Rupiah (Rp)")
BUTTON_CURRENCY_USD = N_("US dollar (US$)")
AS_WRITTEN_READ_BACK = N_("{answer} — you wrote “{text}”")
AS_WRITTEN_CASE = N_("{answer} (written: “{text}”)")
KEPT_AS_WRITTEN_LINE = N_("“{text}” (kept as written, to be checked)")
