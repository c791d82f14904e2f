"""Chinese working days for deadlines (SPEC section 5), in Asia/Shanghai dates.

Pure: no database, no I/O. The administrator's override table is passed in as data.

    cal = WorkCalendar(overrides, known_years={2027})
    due = cal.add_working_days(sent_on, 5)          # start day not counted
    late_by = cal.working_days_between(due, shanghai_today())
    warning = cal.coverage_warning(sent_on, due)    # None, or Chinese text for the user
"""

from ._calendar import WorkCalendar, coverage_message
from ._clock import SHANGHAI, shanghai_today
from ._model import DayInfo, DayKind, Override, OverrideKind, Source, YearStatus
from ._overrides import format_override_lines, parse_override_lines
from ._package import FIRST_YEAR as PACKAGE_FIRST_YEAR
from ._package import LAST_YEAR as PACKAGE_LAST_YEAR

__all__ = [
    "PACKAGE_FIRST_YEAR",
    "PACKAGE_LAST_YEAR",
    "SHANGHAI",
    "DayInfo",
    "DayKind",
    "Override",
    "OverrideKind",
    "Source",
    "WorkCalendar",
    "YearStatus",
    "coverage_message",
    "format_override_lines",
    "parse_override_lines",
    "shanghai_today",
]
