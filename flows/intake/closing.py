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
                "Thank you, your report is sent. Your case number is {reference}: a "
                "Migrant CARE caseworker will contact you by {deadline}, at the times "
                "you chose. We never ask for money or passwords, and you can delete "
                "this chat to hide it."
            ),
            status=Status.SUBMITTED,
            offer_code_word=True,
        ),
    ),
)
