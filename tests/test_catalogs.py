"""The message catalogs: complete, consistent with the code, and loaded by bot.i18n."""

from __future__ import annotations

import re
import shutil
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages import extract as babel_extract
from babel.messages.catalog import Catalog
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from babel.util import pathmatch

from bot.cli.locales import compile_catalogs, extract
from bot.i18n import DOMAIN, LOCALES_DIR, Catalogs
from flows import messages
from flows.commands import parse_command
from flows.registry import INTAKE
from flows.steps import Choose
from flows.vocabulary import Locale

ROOT = LOCALES_DIR.parent
TEMPLATE = LOCALES_DIR / f"{DOMAIN}.pot"
BABEL_CFG = LOCALES_DIR / "babel.cfg"
FLOW_DATA_EXTRACTOR = "bot.cli.locales:extract_flow_data"
PACKAGES = ("flows", "bot", "handlers", "escalation", "storage")
REFRESH = "run `make locales` (bot.cli.locales.refresh) and fill the new entries"
NOT_TRANSLATED = {"SWITCH_TO_EN", "SWITCH_TO_ID"}  # shown as written, in the other language
STEP_TEXTS = ("prompt", "text", "summary", "question", "retry")
BUTTON_LIMIT = 20  # WhatsApp reply button
LIST_ROW_LIMIT = 24  # WhatsApp list row
MAX_BUTTONS = 3  # more options than this are sent as a list


def _read(path: Path, locale: str | None = None) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def _po(locale: Locale) -> Path:
    return LOCALES_DIR / locale.value / "LC_MESSAGES" / f"{DOMAIN}.po"


def _ids(catalog: Catalog) -> set[str]:
    return {str(message.id) for message in catalog if message.id}


def _placeholders(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)


@pytest.fixture(scope="module")
def template() -> Catalog:
    return _read(TEMPLATE)


@pytest.fixture(scope="module", params=list(Locale), ids=lambda locale: locale.value)
def catalog(request: pytest.FixtureRequest) -> Catalog:
    return _read(_po(request.param), request.param.value)


@pytest.fixture(scope="module")
def indonesian() -> Catalog:
    return _read(_po(Locale.ID), Locale.ID.value)


@pytest.fixture(scope="module")
def compiled() -> Catalogs:
    compile_catalogs()  # idempotent: rewrites the .mo files from the .po files
    return Catalogs()


def _flow_msgids() -> Iterator[tuple[str, str]]:
    """Yields (where, msgid) for every sentence the flows and the engine show."""
    for flow in INTAKE.flows:
        yield f"flow {flow.id} title", flow.title
        for step in flow.steps:
            for name in STEP_TEXTS:
                value = getattr(step, name, None)
                if isinstance(value, str):
                    yield f"{step.id}.{name}", value
            if isinstance(step, Choose):
                for option in step.options:
                    yield f"{step.id}.{option.id}", option.label
    for name, value in vars(messages).items():
        if name.isupper() and isinstance(value, str) and name not in NOT_TRANSLATED:
            yield f"flows.messages.{name}", value


def test_every_message_is_translated_in_both_catalogs(template: Catalog, catalog: Catalog) -> None:
    missing = []
    for msgid in sorted(_ids(template)):
        message = catalog.get(msgid)
        if message is None or not message.string or message.fuzzy:
            missing.append(msgid)
    assert not missing, f"{catalog.locale}: {len(missing)} missing or fuzzy: {missing}"


def test_no_fuzzy_or_obsolete_entries(catalog: Catalog) -> None:
    fuzzy = [str(m.id) for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"{catalog.locale}: fuzzy entries: {fuzzy}"
    assert not catalog.obsolete, f"{catalog.locale}: obsolete entries: {list(catalog.obsolete)}"


def test_headers_name_the_language_and_charset(catalog: Catalog) -> None:
    header = dict(catalog.mime_headers)
    assert header.get("Language") == str(catalog.locale), REFRESH
    assert "charset=utf-8" in header.get("Content-Type", "").lower()
    assert header.get("Plural-Forms", "").startswith("nplurals=")


def test_placeholders_match_the_msgid(catalog: Catalog) -> None:
    wrong = {
        str(m.id): m.string
        for m in catalog
        if m.id and m.string and _placeholders(str(m.id)) != _placeholders(str(m.string))
    }
    assert not wrong, f"{catalog.locale}: placeholders differ from the msgid: {wrong}"


def test_line_breaks_match_the_msgid(catalog: Catalog) -> None:
    wrong = [
        str(m.id)
        for m in catalog
        if m.id and m.string and str(m.id).count("\n") != str(m.string).count("\n")
    ]
    assert not wrong, f"{catalog.locale}: line breaks differ from the msgid: {wrong}"


def _marking_modules() -> list[str]:
    """Returns every project module from which Babel's keywords extract at least one sentence."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            with path.open("rb") as handle:
                if any(babel_extract.extract("python", handle, babel_extract.DEFAULT_KEYWORDS)):
                    found.append(path.relative_to(ROOT).as_posix())
    return found


def _extracted_by_babel_cfg(module: str, extractor: str = "python") -> bool:
    with BABEL_CFG.open(encoding="utf-8") as handle:
        methods, _ = parse_mapping_cfg(handle)
    return any(method == extractor and pathmatch(pattern, module) for pattern, method in methods)


def test_babel_cfg_covers_every_module_that_marks_sentences() -> None:
    marking = _marking_modules()
    assert "flows/messages.py" in marking  # the scan itself sees N_() markers
    missing = [module for module in marking if not _extracted_by_babel_cfg(module)]
    assert not missing, f"marked sentences outside locales/babel.cfg, add them there: {missing}"


def test_babel_cfg_extracts_every_flow_data_file() -> None:
    data_files = [
        path.relative_to(ROOT).as_posix() for path in sorted(ROOT.glob("flows/**/*.toml"))
    ]
    assert "flows/intake/self_report.toml" in data_files
    missing = [
        name for name in data_files if not _extracted_by_babel_cfg(name, FLOW_DATA_EXTRACTOR)
    ]
    assert not missing, f"flow data files Babel does not read, add them to babel.cfg: {missing}"


def test_template_is_up_to_date_with_the_code(template: Catalog, tmp_path: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    (tmp_path / "locales").mkdir()
    shutil.copy(BABEL_CFG, tmp_path / "locales" / "babel.cfg")
    fresh = _ids(_read(extract(tmp_path)))
    committed = _ids(template)
    assert fresh == committed, (
        f"locales/{DOMAIN}.pot is out of date: {REFRESH}. "
        f"New in code: {sorted(fresh - committed)}; gone from code: {sorted(committed - fresh)}"
    )


def test_catalogs_hold_exactly_the_template(template: Catalog, catalog: Catalog) -> None:
    extra = sorted(_ids(catalog) - _ids(template))
    assert not extra, f"{catalog.locale}: entries not in the template ({REFRESH}): {extra}"


def test_every_sentence_in_the_flows_is_in_the_template(template: Catalog) -> None:
    known = _ids(template)
    missing = sorted(f"{where}: {msgid!r}" for where, msgid in _flow_msgids() if msgid not in known)
    assert not missing, f"not in locales/{DOMAIN}.pot (mark them with N_, {REFRESH}): {missing}"


def test_indonesian_button_labels_fit_whatsapp(indonesian: Catalog) -> None:
    too_long = []
    for step in INTAKE.steps.values():
        if not isinstance(step, Choose):
            continue
        limit = BUTTON_LIMIT if len(step.options) <= MAX_BUTTONS else LIST_ROW_LIMIT
        for option in step.options:
            label = str(indonesian[option.label].string)
            if len(label) > limit:
                too_long.append(f"{step.id}.{option.id}: {label!r} > {limit}")
    for name in dir(messages):
        if name.startswith(("BUTTON_", "RESUME_")):
            label = str(indonesian[getattr(messages, name)].string)
            if len(label) > BUTTON_LIMIT:
                too_long.append(f"{name}: {label!r} > {BUTTON_LIMIT}")
    assert not too_long, too_long


def _typed_commands(help_text: str) -> list[list[object]]:
    """Returns, line by line, what the parser makes of each upper-case word in the help text."""
    return [
        [parse_command(word) for word in re.findall(r"[A-Z]{2,}(?: [A-Z]{2,})*", line)]
        for line in help_text.splitlines()[1:]
    ]


def test_commands_named_in_the_help_are_understood(compiled: Catalogs) -> None:
    english = _typed_commands(compiled.gettext(Locale.EN, messages.HELP))
    indonesian = _typed_commands(compiled.gettext(Locale.ID, messages.HELP))
    assert all(all(parsed) and parsed for parsed in indonesian), indonesian
    assert indonesian == english


def test_stop_word_in_the_privacy_tip_is_a_command(compiled: Catalogs) -> None:
    for where, msgid in _flow_msgids():
        for locale in Locale:
            text = compiled.gettext(locale, msgid)
            for word in re.findall(r"(?:Type|Ketik) ([A-Z]{2,}(?: [A-Z]{2,})*)", text):
                assert parse_command(word), f"{where} ({locale}): {word!r} is not a command"


def test_compiled_catalogs_speak_indonesian(compiled: Catalogs, indonesian: Catalog) -> None:
    assert compiled.gettext(Locale.ID, messages.BUTTON_SKIP) == "Lewati"
    assert compiled.gettext(Locale.ID, messages.BUTTON_DONE) == "Selesai"
    assert compiled.gettext(Locale.EN, messages.BUTTON_SKIP) == "Skip"
    wrong = [
        str(m.id) for m in indonesian if m.id and compiled.gettext(Locale.ID, str(m.id)) != m.string
    ]
    assert not wrong, f"compiled id catalog differs from the .po file: {wrong}"


def test_indonesian_labels_become_typed_aliases(compiled: Catalogs) -> None:
    aliases = compiled.aliases()
    assert "Lewati" in aliases[messages.BUTTON_SKIP]
    assert "Lombok Tengah" in aliases["Central Lombok"]
