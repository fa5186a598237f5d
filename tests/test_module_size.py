"""Every module of the project stays at most 300 lines, so each can be read in one sitting."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("flows", "bot", "storage", "escalation", "handlers", "bench")
MAX_LINES = 300


def _modules() -> list[Path]:
    """Lists the project's Python modules; generated migration versions are left out."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "versions" not in path.relative_to(ROOT).parts:
                found.append(path)
    return found


def test_the_packages_hold_modules() -> None:
    """Guards the size check against a wrong root: it must see the whole tree."""
    assert len(_modules()) > 100


def test_every_module_is_at_most_300_lines() -> None:
    """Fails naming each module longer than 300 lines."""
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in _modules()
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
