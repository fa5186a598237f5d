"""Closing: read the answers back, let the reporter edit them, submit and say what comes next."""

from __future__ import annotations

from flows.steps import Finish, Flow, Review
from flows.vocabulary import N_, Status

CLOSING = Flow(
    id="closing",
    title=N_("Summary and submit"),
    start="review",
    steps=(
        Review(
            id="review",
            prompt=N_("Please check your answers:"),
            question=N_("Is this right? You can send it, or change an answer."),
            next="submitted",
        ),
        Finish(
            id="submitted",
            text=N_(
                "Thank you. Your report is sent. Your case number is {reference}. "
                "A Migrant CARE caseworker will contact you by {deadline}, at the times "
                "you chose. We never ask for money or passwords. To hide this chat, delete it."
            ),
            status=Status.SUBMITTED,
            offer_code_word=True,
        ),
    ),
)
