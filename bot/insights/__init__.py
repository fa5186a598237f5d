"""Insights: the dashboard's figures and charts and the anonymised research export.

Other rooms use only these names; the modules behind them are this room's own. Which cases a
viewer may see is the caller's to decide: every entry point takes a set of office ids.
"""

from bot.insights.charts import bar_chart, column_chart, deadline_gauge
from bot.insights.export import (
    EXPORTED,
    FIELDS,
    QUASI_IDENTIFIERS,
    Export,
    anonymise,
    audited_export,
    research_export,
    to_csv,
)
from bot.insights.figures import (
    REPLY_TARGETS,
    Clock,
    Dashboard,
    Dimension,
    Timing,
    by_urgency,
    counts,
    dashboard,
    timing,
    timings,
)
from storage.insights import CaseFacts, case_facts

__all__ = [
    "EXPORTED",
    "FIELDS",
    "QUASI_IDENTIFIERS",
    "REPLY_TARGETS",
    "CaseFacts",
    "Clock",
    "Dashboard",
    "Dimension",
    "Export",
    "Timing",
    "anonymise",
    "audited_export",
    "bar_chart",
    "by_urgency",
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
