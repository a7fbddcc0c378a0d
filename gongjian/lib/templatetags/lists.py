from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from gongjian.lib.pickers import is_picker
from gongjian.lib.tables import as_html

register = template.Library()


@register.filter
def select_options(field, blank_label=""):
    """The <option>s of a bound choice field, built in one pass.

    A template loop over ``field.field.choices`` counts a model choice field's rows before
    reading them and recomputes ``field.value`` for every option; for the directory's
    region filter (every region an option) that was the larger part of the page's render.
    """
    current = field.value()
    selected = {str(v) for v in current} if isinstance(current, (list, tuple)) else {"" if current is None else str(current)}
    selected.discard("")
    parts = []
    for value, label in field.field.choices:
        text = str(value)
        mark = " selected" if text in selected else ""
        label = label if text else blank_label
        parts.append(f'<option value="{as_html(value)}"{mark}>{as_html(label)}</option>')
    return mark_safe("".join(parts))  # noqa: S308  (every value and label is escaped by as_html)


@register.simple_tag
def filter_select(field):
    """A list filter's labelled <select> with an "All" option; a tag, not an included
    template, because a list page shows up to five and each include cost as much as its options."""
    html_id = escape(field.id_for_label)
    if is_picker(field.field):
        # A search widget: it holds the chosen row only and looks the others up as the user types.
        control = field.as_widget(attrs={"class": "form-select"})
    else:
        options = select_options(field, _("All"))  # gettext outside the f-string: xgettext cannot see into one
        control = f'<select name="{escape(field.html_name)}" id="{html_id}" class="form-select">{options}</select>'
    return mark_safe(  # noqa: S308  (every value is escaped here, in select_options or by the widget's template)
        f'<div class="col-6 col-md"><label class="form-label small mb-0" for="{html_id}">{escape(str(field.label))}</label>{control}</div>'
    )
