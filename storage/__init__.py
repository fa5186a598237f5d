"""Persistence: SQLModel tables, engine and session setup, queries and Alembic migrations.

Reads no settings and imports nothing else of the project: callers pass a database URL.
"""

from storage import escalation_models as escalation_models  # registers the hand-off tables
from storage import safety_models as safety_models  # registers the data-protection tables
from storage import staff_models as staff_models  # registers the console sign-in tables
from storage import whatsapp as whatsapp  # registers the WhatsApp tables
