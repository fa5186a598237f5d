"""Opening: language, the danger check, whether it is safe to chat, who reports, consent."""

from __future__ import annotations

from flows.consent import CONSENT_VERSIONS, Purpose
from flows.steps import ByAnswer, Choose, Finish, Flow, Inform, Option, Provider
from flows.vocabulary import N_, EventName, Status

CONSENT_VERSION = CONSENT_VERSIONS[Purpose.CASE_HANDLING]
"""The version of the consent text below; flows.consent versions every purpose."""

OPENING = Flow(
    id="opening",
    title=N_("Opening"),
    start="language",
    steps=(
        Choose(
            id="language",
            prompt=N_("Hello. Which language do you want? / Halo. Mau pakai bahasa apa?"),
            options=(
                Option("id", N_("Bahasa Indonesia"), next="danger"),
                Option("en", N_("English"), next="danger"),
            ),
            sets_locale=True,
        ),
        Choose(
            id="danger",
            prompt=N_("Are you, or the person you are asking about, in danger right now?"),
            options=(
                Option(
                    "yes",
                    N_("Yes"),
                    next="emergency_contacts",
                    triggers=("danger_now",),
                    emits=EventName.EMERGENCY_OPENED,
                ),
                Option("no", N_("No"), next="safe_now"),
                Option(
                    "unsure",
                    N_("Not sure"),
                    next="emergency_contacts",
                    triggers=("danger_unsure",),
                    emits=EventName.EMERGENCY_OPENED,
                ),
            ),
        ),
        Choose(
            id="safe_now",
            prompt=N_("Is it safe to chat now? Could someone else read this phone?"),
            options=(
                Option("safe", N_("Safe"), next="role"),
                Option("unsure", N_("Not sure"), next="privacy_tip"),
                Option("unsafe", N_("Not safe"), next="unsafe_pause"),
            ),
        ),
        Inform(
            id="privacy_tip",
            text=N_(
                "Tip: you can delete this chat after each message. "
                "Type STOP at any time and we will stop."
            ),
            next="role",
        ),
        Inform(
            id="unsafe_pause",
            text=N_(
                "Okay, delete this chat now if you need to. Write to us again when it "
                "is safe: we will continue where you stopped."
            ),
            next="role",
            pause=True,
        ),
        Choose(
            id="role",
            prompt=N_(
                "Who is sending this report? A worker can be about to leave, abroad, or back home."
            ),
            options=(
                Option(
                    "worker",
                    N_("I am the worker"),
                    aliases=("pekerja", "saya sendiri", "myself", "worker", "pmi", "tki", "tkw"),
                ),
                Option(
                    "family",
                    N_("Family or friend"),
                    aliases=("keluarga", "teman", "family", "friend"),
                ),
                Option(
                    "organisation",
                    N_("An organisation"),
                    aliases=("organisasi", "lsm", "ngo", "organisation", "organization"),
                ),
            ),
            next="consent",
        ),
        Choose(
            id="consent",
            prompt=N_(
                "Before we start:\n"
                "- Migrant CARE staff read your report to help you.\n"
                "- We share it with nobody else unless you agree.\n"
                "- We keep it while we work on your case, then delete it.\n"
                "- You can skip questions, see, correct or delete your data at any time.\n"
                "Do you agree?"
            ),
            options=(
                Option(
                    "agree",
                    N_("I agree"),
                    next=ByAnswer(
                        "role",
                        {"worker": "self_country", "family": "fam_relationship"},
                        default="fam_relationship",
                    ),
                    consent=("case_handling", "given"),
                ),
                Option(
                    "disagree",
                    N_("I do not agree"),
                    next="no_consent",
                    consent=("case_handling", "refused"),
                ),
                Option("more", N_("Tell me more first"), next="consent_more"),
            ),
            yes_no={"yes": "agree", "no": "disagree", "unsure": "more"},
        ),
        Inform(
            id="consent_more",
            text=N_(
                "Migrant CARE is an Indonesian organisation that helps migrant workers "
                "and their families for free.\n"
                "- Your answers are stored safely and only our caseworkers read them.\n"
                "- We keep a case while we work on it, and delete unfinished reports "
                "after 7 days.\n"
                "- We never ask for money or passwords.\n"
                "- You can see, correct or delete your data, or stop, at any time."
            ),
            next="consent",
        ),
        Finish(
            id="no_consent",
            text=N_(
                "Okay, we will not keep your report. If you need help, you can call:\n"
                "{contacts}\nYou can write to us again at any time."
            ),
            status=Status.STOPPED,
            provider=Provider.GENERAL_CONTACTS,
        ),
    ),
)
