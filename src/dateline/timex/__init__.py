"""Time expressions: find, type and normalise them to TIMEX3 values against the document date.

Rules are data (``rules/``: tables, pattern fragments, rules); see ``rules/README.md``.
"""

from dateline.timex.calendar import is_timex_value, parse_anchor
from dateline.timex.tagger import TimeTagger, resolve_time_expressions

__all__ = ["TimeTagger", "is_timex_value", "parse_anchor", "resolve_time_expressions"]
