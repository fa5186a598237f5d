"""Family report: a relative, friend or organisation reports on behalf of a worker."""

from __future__ import annotations

from flows.intake.choices import (
    CONTACT_WAYS,
    COUNTRIES,
    FAMILY_HELP_WANTED,
    FAMILY_PROBLEMS,
    REGENCIES,
    SAFE_TIMES,
)
from flows.steps import Ask, Choose, Collect, DateWindow, Flow, Inform, Option, When
from flows.vocabulary import N_

FAMILY = Flow(
    id="family",
    title=N_("Family report"),
    start="fam_relationship",
    steps=(
        Choose(
            id="fam_relationship",
            prompt=N_("How are you related to the worker?"),
            summary=N_("Relationship"),
            options=(
                Option("spouse", N_("Husband or wife"), aliases=("suami", "istri", "isteri")),
                Option(
                    "parent",
                    N_("Parent"),
                    aliases=("ibu", "bapak", "ayah", "mama", "emak", "mother", "father"),
                ),
                Option("child", N_("Child"), aliases=("anak", "son", "daughter")),
                Option(
                    "sibling",
                    N_("Brother or sister"),
                    aliases=("saudara", "kakak", "adik", "brother", "sister"),
                ),
                Option("friend", N_("Friend"), aliases=("teman", "kawan")),
                Option("organisation", N_("Organisation"), next="fam_power_of_attorney"),
            ),
            next="fam_worker_name",
        ),
        Inform(
            id="fam_power_of_attorney",
            text=N_(
                "Thank you. Later a caseworker will ask for a power of attorney "
                "(surat kuasa) from the worker or their family."
            ),
            next="fam_worker_name",
        ),
        Ask(
            id="fam_worker_name",
            prompt=N_(
                "What is the worker's name? Write it as in the passport, if you know "
                "it. Optional: you can press Skip."
            ),
            summary=N_("Worker's name"),
            next="fam_country",
            skippable=True,
        ),
        Choose(
            id="fam_country",
            prompt=N_("Where is the worker now?"),
            summary=N_("Worker is in"),
            options=COUNTRIES,
            next="fam_country_other",
            other=("OTHER", "fam_country_other"),
        ),
        Ask(
            id="fam_country_other",
            prompt=N_(
                "Which country is the worker in? For example: Brunei. Optional: you can press Skip."
            ),
            summary=N_("Country"),
            next="fam_help",
            skippable=True,
            when=When("fam_country", ("OTHER",)),
        ),
        Choose(
            id="fam_help",
            prompt=N_("What help do you want? Choose one or more, then press Done."),
            summary=N_("Help wanted"),
            options=FAMILY_HELP_WANTED,
            next="fam_problem",
            multi=True,
        ),
        Choose(
            id="fam_problem",
            prompt=N_("What do you know has happened? Choose one or more, then press Done."),
            summary=N_("Problem"),
            options=FAMILY_PROBLEMS,
            next="fam_last_contact",
            multi=True,
        ),
        Ask(
            id="fam_last_contact",
            prompt=N_(
                "When did you last hear from them? For example: March 2026. Optional: "
                "you can press Skip."
            ),
            summary=N_("Last heard from"),
            next="fam_worker_knows",
            parser="date",
            skippable=True,
            retry=N_("Please write when it was. For example: March 2026."),
            expects=DateWindow(years_back=40),
        ),
        Choose(
            id="fam_worker_knows",
            prompt=N_("Does the worker know that you are reporting?"),
            summary=N_("Worker knows"),
            options=(
                Option("agrees", N_("Yes, and agrees")),
                Option("not_agreed", N_("Knows, not agreed")),
                Option("unknown", N_("Cannot reach them")),
            ),
            next="fam_contact_worker",
        ),
        Choose(
            id="fam_contact_worker",
            prompt=N_("Is it safe for us to contact the worker directly?"),
            summary=N_("Safe to contact worker"),
            options=(
                Option("yes", N_("Yes")),
                Option(
                    "phone_held",
                    N_("No, phone is held"),
                    triggers=("no_own_phone",),
                ),
                Option("unknown", N_("I do not know")),
            ),
            next="fam_documents",
        ),
        Choose(
            id="fam_documents",
            prompt=N_(
                "Which of these do you have? Choose any, then press Done. Optional: "
                "you can press Skip."
            ),
            summary=N_("Documents held"),
            options=(
                Option("passport_copy", N_("Copy of passport")),
                Option("family_card", N_("Family card (KK)")),
                Option("contract", N_("Work contract")),
                Option("agency_name", N_("Name of the agency")),
                Option("calo_name", N_("Calo or sponsor name")),
            ),
            next="fam_files",
            multi=True,
            skippable=True,
        ),
        Collect(
            id="fam_files",
            prompt=N_(
                "If you have photos of these papers, send them now. Optional: press "
                "Done when finished, or to send none."
            ),
            summary=N_("Files"),
            next="fam_name",
            when=When("fam_documents", ("passport_copy", "family_card", "contract")),
        ),
        Ask(
            id="fam_name",
            prompt=N_("What is your own name? A nickname is fine. Optional: you can press Skip."),
            summary=N_("Your name"),
            next="fam_contact",
            skippable=True,
        ),
        Choose(
            id="fam_contact",
            prompt=N_("How can we contact you safely?"),
            summary=N_("Safe contact"),
            options=CONTACT_WAYS[:2],
            next="fam_times",
        ),
        Choose(
            id="fam_times",
            prompt=N_("May we contact you later? If yes, when is it safe?"),
            summary=N_("Safe times"),
            options=SAFE_TIMES,
            next="fam_regency",
        ),
        Choose(
            id="fam_regency",
            prompt=N_("Where is the worker's home in Indonesia? Choose, or type the regency."),
            summary=N_("Home regency"),
            options=REGENCIES,
            next="fam_regency_other",
            other=("OTHER", "fam_regency_other"),
        ),
        Ask(
            id="fam_regency_other",
            prompt=N_(
                "Which regency (kabupaten) or city is the worker's home in? For "
                "example: Garut. Optional: you can press Skip."
            ),
            summary=N_("Regency"),
            next="review",
            skippable=True,
            when=When("fam_regency", ("OTHER",)),
        ),
    ),
)
