from django import template
from django.forms import CheckboxInput, Select, SelectMultiple

register = template.Library()


@register.simple_tag
def filter_fields(form, only="", skip=""):
    """The fields of a list's filter form to show: all of them, or the names in ``only``, less
    those in ``skip`` (both space-separated)."""
    shown, hidden = set(only.split()), set(skip.split())
    return [field for field in form if (not shown or field.name in shown) and field.name not in hidden]


@register.simple_tag
def words(text):
    """A space-separated list of names as a list, for ``in`` tests."""
    return text.split()


@register.simple_tag
def filter_widget(field, placeholder=""):
    """A filter's own widget with Bootstrap's class for its kind (and the search box's placeholder)."""
    widget = field.field.widget
    if isinstance(widget, (Select, SelectMultiple)):
        attrs = {"class": "form-select form-select-sm"}
    elif isinstance(widget, CheckboxInput):
        attrs = {"class": "form-check-input"}
    else:
        attrs = {"class": "form-control form-control-sm"}
        if field.name == "q":
            attrs.update(type="search", autocomplete="off")
            if placeholder:
                attrs["placeholder"] = placeholder
    return field.as_widget(attrs=attrs)
