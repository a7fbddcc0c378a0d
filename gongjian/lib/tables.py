"""Tables declared in Python: the header and every row's cells come from one list of columns.

A cell is ``render_<column name>(obj)``: plain text, which is escaped, or markup built with
``format_html``. Each cell carries its column's header as ``data-label``, so that below 768 px
the stylesheet can show a row as a card of labelled fields; the ``title`` column (class
``cell-title``) is the card's heading.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Column:
    name: str
    header: str
    css_class: str = ""
    title: bool = False  # the row's heading when the table shows as cards

    def header_attrs(self) -> SafeString:
        return flatatt({"class": self.css_class} if self.css_class else {})

    def cell_attrs(self) -> SafeString:
        css_class = " ".join(part for part in (self.css_class, "cell-title" if self.title else "") if part)
        return flatatt({"class": css_class, "data-label": str(self.header)} if css_class else {"data-label": str(self.header)})


class Table:
    columns: Sequence[Column] = ()
    empty_text = ""

    def __init__(self, rows):
        self.rows = rows

    def row_attrs(self, obj) -> dict:
        """Attributes of a row's <tr>."""
        return {}

    def header(self) -> SafeString:
        return format_html_join("", "<th{}>{}</th>", ((column.header_attrs(), column.header) for column in self.columns))

    def body(self) -> SafeString:
        if not self.rows:
            return format_html('<tr><td colspan="{}" class="text-muted text-center py-4">{}</td></tr>', len(self.columns), self.empty_text)
        cells = [(getattr(self, f"render_{column.name}"), column.cell_attrs()) for column in self.columns]
        return format_html_join(
            "",
            "<tr{}>{}</tr>",
            (
                (flatatt(self.row_attrs(obj)), format_html_join("", "<td{}>{}</td>", ((attrs, render(obj)) for render, attrs in cells)))
                for obj in self.rows
            ),
        )


def choice_labels(choices) -> dict:
    """A choices class's labels in the current language."""
    return {value: str(label) for value, label in choices.choices}


def badges(texts, css_class="badge rounded-pill text-bg-light border") -> SafeString:
    return format_html_join(" ", '<span class="{}">{}</span>', ((css_class, text) for text in texts))
