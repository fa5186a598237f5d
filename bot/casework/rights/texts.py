"""What the reporter hears when a caseworker has handled a data-rights request (short, neutral)."""

from flows.vocabulary import N_

DATA_REQUEST_DONE = N_("We have handled your request about your data.")
DATA_REQUEST_REFUSED = N_(
    "We could not do what you asked about your data. Write to us here if you want to know why."
)
