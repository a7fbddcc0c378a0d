"""Log lines and tracebacks without personal data (SECURITY.md item 16).

Django logs a failed request's path and its exception, and a database error quotes the
values it refused (PostgreSQL's ``DETAIL: Key (phone)=(13812345678) already exists``). A
phone or an ID number is a run of seven or more digits, so every such run is masked before a
handler writes the record: the first three and last two digits are kept, enough to tell
records apart when reading a log, too few to contact or identify anyone.
"""

import logging
import re

# Phones, ID numbers (the last character may be X) and bank cards: seven or more digits in a row, standing
# alone. Digits inside a longer token of letters and digits (a stored file's random hex name, a hash) are not
# a person's number, and a log that hid them would not say which file went missing.
_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{7,}[Xx]?(?![0-9A-Za-z])")


def mask_numbers(text: str) -> str:
    return _NUMBER.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 5) + m[0][-2:], text)


class MaskPersonalData(logging.Filter):
    """Rewrites a record's message and traceback with ``mask_numbers``; attached to every handler."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_numbers(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_numbers(record.stack_info)
        return True
