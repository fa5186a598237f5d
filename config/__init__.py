"""The default configuration files shipped with Suara: the offices and the help numbers.

Suara reads them through importlib.resources when ESCALATION_OFFICES_FILE or HELP_CONTACTS_FILE
is unset; to change one, copy it, edit the copy and point the setting at it.
"""
