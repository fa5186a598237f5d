"""The gettext catalogs (id, en) and their template, shipped in the package as data files.

The .po files are edited here; the .mo files Suara loads are compiled from them, by
`suara locales` in a clone and by the wheel build (setup.py) for an installed Suara.
"""
