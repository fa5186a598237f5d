"""Compiles the gettext catalogs into the wheel, so that an installed Suara has its .mo files.

Everything else is declared in pyproject.toml; this hook exists because the compiled catalogs
are build output (not kept in git) and an installed package must never write into itself.
"""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogs(build_py):
    """Copies the packages, then compiles every copied .po catalog to its .mo beside it."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:  # a clone compiles its catalogs with `suara locales`
            return
        for po in Path(self.build_lib, "locales").glob("*/LC_MESSAGES/*.po"):
            with po.open("rb") as source:
                catalog = read_po(source)
            with po.with_suffix(".mo").open("wb") as target:
                write_mo(target, catalog)


setup(cmdclass={"build_py": BuildWithCatalogs})
