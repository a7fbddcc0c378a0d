"""Reporting periods: a year, a half-year, a quarter, a month or custom dates, in Asia/Shanghai.

A period is written in URLs and the API as ``2023``, ``2023-H1``, ``2023-Q2``, ``2023-05`` or
``2023-01-01..2023-03-31``. Every figure counts what happened from the first day's midnight to
the midnight after the last day, local time, so a check-in at 23:30 on 30 June belongs to H1.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

KINDS = {
    "year": gettext_lazy("Year"),
    "half": gettext_lazy("Half-year"),
    "quarter": gettext_lazy("Quarter"),
    "month": gettext_lazy("Month"),
    "custom": gettext_lazy("Custom"),
}

_YEAR = re.compile(r"^(\d{4})$")
_HALF = re.compile(r"^(\d{4})-H([12])$", re.IGNORECASE)
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")

# A custom period longer than this is refused: the monthly trend would not fit on a page.
MAX_CUSTOM_DAYS = 3 * 366
# Years a period may fall in: the platform's records start long after the first, and the
# day after 31 December 9999 (the end of a period's last day) cannot be written as a date.
FIRST_YEAR, LAST_YEAR = 1949, 2200


def _month_end(year, month) -> datetime.date:
    first_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_next - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """Inclusive first and last day, with the kind it was chosen as."""

    kind: str
    first: datetime.date
    last: datetime.date

    # --- Construction ----------------------------------------------------
    @classmethod
    def year(cls, year):
        return cls("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def half(cls, year, half):
        return cls("half", datetime.date(year, 1 if half == 1 else 7, 1), datetime.date(year, 6, 30) if half == 1 else datetime.date(year, 12, 31))

    @classmethod
    def quarter(cls, year, quarter):
        first_month = 3 * (quarter - 1) + 1
        return cls("quarter", datetime.date(year, first_month, 1), _month_end(year, first_month + 2))

    @classmethod
    def month(cls, year, month):
        return cls("month", datetime.date(year, month, 1), _month_end(year, month))

    @classmethod
    def current_half(cls, today=None):
        today = today or timezone.localdate()
        return cls.half(today.year, 1 if today.month <= 6 else 2)

    @classmethod
    def parse(cls, text: str | None, today=None) -> "Period":
        """The period a URL names; the current half-year when none is named."""
        text = (text or "").strip()
        if not text:
            return cls.current_half(today)
        try:
            period = cls._parse(text)
        except ValueError:
            period = None  # a month 13 or a 30 February: the same message as any other unreadable period
        if period is None:
            raise ValidationError(
                _("“%(text)s” is not a period. Write 2023, 2023-H1, 2023-Q2, 2023-05 or 2023-01-01..2023-03-31.") % {"text": text[:40]},
                code="invalid_period",
            )
        if not (FIRST_YEAR <= period.first.year and period.last.year <= LAST_YEAR):
            raise ValidationError(
                _("A period must lie between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}, code="invalid_period"
            )
        return period

    @classmethod
    def _parse(cls, text):
        if m := _YEAR.match(text):
            return cls.year(int(m[1]))
        if m := _HALF.match(text):
            return cls.half(int(m[1]), int(m[2]))
        if m := _QUARTER.match(text):
            return cls.quarter(int(m[1]), int(m[2]))
        if m := _MONTH.match(text):
            return cls.month(int(m[1]), int(m[2]))
        if m := _CUSTOM.match(text):
            return cls.custom(datetime.date.fromisoformat(m[1]), datetime.date.fromisoformat(m[2]))
        return None

    @classmethod
    def custom(cls, first, last):
        if last < first:
            raise ValidationError(_("The period must end on or after the day it starts."), code="invalid_period")
        if (last - first).days > MAX_CUSTOM_DAYS:
            raise ValidationError(_("A custom period may cover at most three years."), code="invalid_period")
        return cls("custom", first, last)

    @classmethod
    def everything(cls):
        """All time, for counting every record once (the monthly summary)."""
        return cls("all", datetime.date(1900, 1, 1), datetime.date(2999, 12, 31))

    # --- Use ---------------------------------------------------------------
    @property
    def key(self) -> str:
        """The text that names this period in a URL."""
        if self.kind == "year":
            return f"{self.first.year}"
        if self.kind == "half":
            return f"{self.first.year}-H{1 if self.first.month == 1 else 2}"
        if self.kind == "quarter":
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        if self.kind == "month":
            return f"{self.first.year}-{self.first.month:02d}"
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    @property
    def label(self) -> str:
        year = self.first.year
        if self.kind == "year":
            return _("Year %(year)s") % {"year": year}
        if self.kind == "half":
            return (_("First half of %(year)s") if self.first.month == 1 else _("Second half of %(year)s")) % {"year": year}
        if self.kind == "quarter":
            return _("Q%(quarter)s %(year)s") % {"quarter": (self.first.month - 1) // 3 + 1, "year": year}
        if self.kind == "month":
            return _("%(month)s/%(year)s") % {"month": self.first.month, "year": year}
        return f"{self.first.isoformat()} – {self.last.isoformat()}"

    @property
    def whole_months(self) -> bool:
        """True when the period starts on a month's first day and ends on a month's last (a summary can serve it)."""
        return self.first.day == 1 and (self.last + datetime.timedelta(days=1)).day == 1

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """Aware datetimes [start, end) at local midnight, for DateTimeFields."""
        tz = timezone.get_default_timezone()
        start = datetime.datetime.combine(self.first, datetime.time.min, tzinfo=tz)
        end = datetime.datetime.combine(self.last + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return start, end

    def previous(self) -> "Period":
        """The period of the same kind just before, for comparison."""
        if self.kind == "year":
            return Period.year(self.first.year - 1)
        if self.kind == "half":
            return Period.half(self.first.year - 1, 2) if self.first.month == 1 else Period.half(self.first.year, 1)
        if self.kind == "quarter":
            q = (self.first.month - 1) // 3 + 1
            return Period.quarter(self.first.year - 1, 4) if q == 1 else Period.quarter(self.first.year, q - 1)
        if self.kind == "month":
            return Period.month(self.first.year - 1, 12) if self.first.month == 1 else Period.month(self.first.year, self.first.month - 1)
        last = self.first - datetime.timedelta(days=1)
        return Period("custom", last - datetime.timedelta(days=self.days - 1), last)

    def months(self) -> list[datetime.date]:
        """The first day of every month the period touches, for the trends."""
        out, day = [], self.first.replace(day=1)
        while day <= self.last:
            out.append(day)
            day = _month_end(day.year, day.month) + datetime.timedelta(days=1)
        return out

    def contains(self, value) -> bool:
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value).date()
        return self.first <= value <= self.last

    def is_future(self, today=None) -> bool:
        return self.first > (today or timezone.localdate())


def period_choices(today=None) -> list[tuple[str, str]]:
    """The periods offered in the picker: this and the last three years, by half, quarter and year."""
    today = today or timezone.localdate()
    out = []
    for year in range(today.year, today.year - 4, -1):
        out.append((Period.year(year).key, Period.year(year).label))
        for half in (2, 1):
            p = Period.half(year, half)
            if not p.is_future(today):
                out.append((p.key, p.label))
        for quarter in (4, 3, 2, 1):
            p = Period.quarter(year, quarter)
            if not p.is_future(today):
                out.append((p.key, p.label))
    return out
