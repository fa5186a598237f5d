"""Self report: a worker (before leaving, abroad or back home) tells what is wrong."""

from __future__ import annotations

from flows.intake.choices import (
    CONTACT_WAYS,
    COUNTRIES,
    CURRENCY_OF_COUNTRY,
    HELP_WANTED,
    PROBLEMS,
    REGENCIES,
    SAFE_TIMES,
)
from flows.steps import (
    Ask,
    Choose,
    Collect,
    DateWindow,
    Flow,
    MonthRange,
    NeedsCurrency,
    Option,
    When,
)
from flows.vocabulary import N_

SENSITIVE_PROBLEMS = ("KEKERASAN", "SEKSUAL", "TAHAN")
"""Problems whose follow-up questions record specific data: they need the sensitive consent."""

SELF_REPORT = Flow(
    id="self_report",
    title=N_("Self report"),
    start="self_country",
    steps=(
        Choose(
            id="self_country",
            prompt=N_("Where are you now?"),
            summary=N_("Where now"),
            options=COUNTRIES,
            next="self_country_other",
            other=("OTHER", "self_country_other"),
        ),
        Ask(
            id="self_country_other",
            prompt=N_(
                "Which country are you in? For example: Brunei. Optional: you can press Skip."
            ),
            summary=N_("Country"),
            next="self_city",
            skippable=True,
            when=When("self_country", ("OTHER",)),
        ),
        Ask(
            id="self_city",
            prompt=N_(
                "Which city or state are you in? For example: Johor. Optional: you can press Skip."
            ),
            summary=N_("City or state"),
            next="self_help",
            skippable=True,
            when=When("self_country", ("MY", "HK", "TW", "SA", "SG", "OTHER")),
        ),
        Choose(
            id="self_help",
            prompt=N_("What help do you want? Choose one or more, then press Done."),
            summary=N_("Help wanted"),
            options=HELP_WANTED,
            next="self_problem",
            multi=True,
        ),
        Choose(
            id="self_problem",
            prompt=N_("What is happening? Choose one or more, then press Done."),
            summary=N_("Problem"),
            options=PROBLEMS,
            next="self_sensitive",
            multi=True,
        ),
        Choose(
            id="self_sensitive",
            prompt=N_(
                "The next questions are about health, safety or the police, and only "
                "our caseworkers read the answers. May we ask them?"
            ),
            options=(
                Option("yes", N_("Yes, ask me"), consent=("sensitive_data", "given")),
                Option("no", N_("No, skip them"), consent=("sensitive_data", "refused")),
            ),
            next="self_still_happening",
            when=When("self_problem", SENSITIVE_PROBLEMS),
        ),
        Choose(
            id="self_still_happening",
            prompt=N_("Is it still happening? Optional: you can press Skip."),
            summary=N_("Still happening"),
            options=(
                Option("yes", N_("Yes"), triggers=("violence_ongoing",)),
                Option("no", N_("No")),
            ),
            next="self_freedom",
            skippable=True,
            when=When("self_problem", ("KEKERASAN", "SEKSUAL")),
            sensitive=True,
        ),
        Choose(
            id="self_freedom",
            prompt=N_(
                "Can you leave the house, and do you hold your own phone? Optional: "
                "you can press Skip."
            ),
            summary=N_("Can leave and has phone"),
            options=(
                Option("both", N_("Yes, both")),
                Option("phone_only", N_("Only my phone"), triggers=("confined",)),
                Option("neither", N_("Neither"), triggers=("confined", "no_own_phone")),
            ),
            next="self_detained",
            skippable=True,
            when=When("self_problem", ("DOKUMEN",)),
        ),
        Choose(
            id="self_detained",
            prompt=N_("Where are you held? Optional: you can press Skip."),
            summary=N_("Held at"),
            options=(
                Option("police", N_("Police"), triggers=("arrested",)),
                Option("immigration", N_("Immigration depot"), triggers=("arrested",)),
                Option("prison", N_("Prison"), triggers=("arrested",)),
            ),
            next="self_unpaid_months",
            skippable=True,
            when=When("self_problem", ("TAHAN",)),
            sensitive=True,
        ),
        Ask(
            id="self_unpaid_months",
            prompt=N_(
                "For how many months have you not been paid? For example: 3 months. "
                "Optional: you can press Skip."
            ),
            summary=N_("Months unpaid"),
            next="self_wage_amount",
            parser="months",
            skippable=True,
            when=When("self_problem", ("GAJI",)),
            retry=N_("Please type how many months. For example: 3 months."),
            expects=MonthRange(low=0, high=120),
        ),
        Ask(
            id="self_wage_amount",
            prompt=N_(
                "About how much are you owed? For example: RM 1,500. Optional: you can press Skip."
            ),
            summary=N_("Amount owed"),
            next="self_story",
            parser="amount",
            skippable=True,
            when=When("self_problem", ("GAJI",)),
            retry=N_("Please type the amount and its currency. For example: RM 1,500."),
            expects=NeedsCurrency(country_step="self_country", by_country=CURRENCY_OF_COUNTRY),
        ),
        Ask(
            id="self_story",
            prompt=N_(
                "Tell us briefly, in your own words, what happened. You can also send "
                "a voice note. Optional: you can press Skip."
            ),
            summary=N_("Your words"),
            next="self_name",
            skippable=True,
        ),
        Ask(
            id="self_name",
            prompt=N_("What should we call you? A nickname is fine. Optional: you can press Skip."),
            summary=N_("Name"),
            next="self_contact",
            skippable=True,
        ),
        Choose(
            id="self_contact",
            prompt=N_("How can we contact you safely?"),
            summary=N_("Safe contact"),
            options=CONTACT_WAYS,
            next="self_times",
        ),
        Choose(
            id="self_times",
            prompt=N_("May we contact you later? If yes, when is it safe?"),
            summary=N_("Safe times"),
            options=SAFE_TIMES,
            next="self_regency",
        ),
        Choose(
            id="self_regency",
            prompt=N_("Where is your home in Indonesia? Choose, or type your regency."),
            summary=N_("Home regency"),
            options=REGENCIES,
            next="self_regency_other",
            other=("OTHER", "self_regency_other"),
        ),
        Ask(
            id="self_regency_other",
            prompt=N_(
                "Which regency (kabupaten) or city is your home in? For example: "
                "Garut. Optional: you can press Skip."
            ),
            summary=N_("Regency"),
            next="self_job",
            skippable=True,
            when=When("self_regency", ("OTHER",)),
        ),
        Choose(
            id="self_job",
            prompt=N_("What work do you do? Optional: you can press Skip."),
            summary=N_("Work"),
            options=(
                Option("domestic", N_("Domestic worker")),
                Option("carer", N_("Carer for the elderly")),
                Option("plantation", N_("Plantation")),
                Option("factory", N_("Factory")),
                Option("construction", N_("Construction")),
                Option("ship", N_("Ship or fishing boat"), triggers=("at_sea",)),
                Option("other", N_("Other work")),
            ),
            next="self_route",
            skippable=True,
        ),
        Choose(
            id="self_route",
            prompt=N_("How did you go to work abroad? Optional: you can press Skip."),
            summary=N_("How you went"),
            options=(
                Option("p3mi", N_("Official company P3MI")),
                Option("calo", N_("Sponsor or calo")),
                Option("unknown", N_("I do not know")),
            ),
            next="self_employer",
            skippable=True,
        ),
        Ask(
            id="self_employer",
            prompt=N_("What is the name of your employer or agency? Optional: you can press Skip."),
            summary=N_("Employer or agency"),
            next="self_since",
            skippable=True,
        ),
        Ask(
            id="self_since",
            prompt=N_(
                "When did the problem start? For example: March 2026. Optional: you can press Skip."
            ),
            summary=N_("Problem since"),
            next="self_files",
            parser="date",
            skippable=True,
            retry=N_("Please write a month and year. For example: March 2026."),
            expects=DateWindow(years_back=25),
        ),
        Collect(
            id="self_files",
            prompt=N_(
                "If it is safe, send photos of your contract, payslip or passport. "
                "They stay in your phone's gallery too. Optional: press Done when "
                "finished, or to send none."
            ),
            summary=N_("Files"),
            next="review",
        ),
    ),
)
