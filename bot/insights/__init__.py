"""Insights: the dashboard's figures and charts and the anonymised research export.

Other rooms use only these names; the modules behind them are this room's own. Which cases a
viewer may see is the caller's to decide: every entry point takes a set of office ids.
"""

from bot.insights.charts import bar_chart, column_chart, deadline_gauge
from bot.insights.export import FIELDS, QUASI_IDENTIFIERS, anonymise, research_export, to_csv
from bot.insights.figures import (
    REPLY_TARGETS,
    Clock,
    Dashboard,
    Dimension,
    Timing,
    counts,
    dashboard,
    timing,
    timings,
)
from storage.insights import CaseFacts, case_facts

__all__ = [
    "FIELDS",
    "QUASI_IDENTIFIERS",
    "REPLY_TARGETS",
    "CaseFacts",
    "Clock",
    "Dashboard",
    "Dimension",
    "Timing",
    "anonymise",
    "bar_chart",
    "case_facts",
    "column_chart",
    "counts",
    "dashboard",
    "deadline_gauge",
    "research_export",
    "timing",
    "timings",
    "to_csv",
]
