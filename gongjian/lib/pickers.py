"""Search-as-you-type choice fields, for choices too many to list (organizations, people, regions).

A picker is a ModelChoiceField whose widget renders only the bound value(s) as ``<option>``s; in
the browser, ``gongjian/pickers.js`` (Tom Select) asks a JSON endpoint for matches as the user
types. The field's queryset still decides what is valid: a submitted value outside it is refused
like any invalid choice, and reading it costs one query instead of listing every row. Values are
UUIDs, never sequential ids, since filter values end up in shared URLs.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PickerWidgetMixin:
    """Renders the chosen rows only; ``url`` is where the browser looks up the others."""

    template_name = "django/forms/widgets/select.html"

    def __init__(self, attrs=None, url=""):
        super().__init__(attrs)
        self.url = url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        attrs = context["widget"]["attrs"]
        # A form may set its own placeholder (or any of these); the rest are the picker's defaults.
        context["widget"]["attrs"] = {
            **{
                "data-picker": str(self.url),
                "data-placeholder": str(_("Type a name or pinyin initials")),
                "data-no-results": str(_("No match. Try other characters or initials.")),
                "data-loading": str(_("Searching…")),
                "data-loading-more": str(_("Loading more…")),
                "data-no-more": str(_("No more matches.")),
                "data-clear": str(pgettext_lazy("picker", "Clear")),
                "data-remove": str(pgettext_lazy("picker", "Remove")),
            },
            **attrs,
        }
        return context

    def use_required_attribute(self, initial):
        # Select's version reads the first choice, which for a model field can read the whole table.
        return not self.is_hidden

    def optgroups(self, name, value, attrs=None):
        groups = []
        if not self.allow_multiple_selected:
            # An empty first option: the picker shows it as its placeholder, and "clear" selects it.
            groups.append((None, [self.create_option(name, "", "", not any(value), 0, attrs=attrs)], 0))
        for index, (key, label) in enumerate(self.chosen([v for v in value if v not in ("", None)]), start=len(groups)):
            groups.append((None, [self.create_option(name, key, label, True, index, attrs=attrs)], index))
        return groups

    def chosen(self, values):
        """(value, label) of the bound values the field's queryset holds, in one query."""
        if not values:
            return []
        field = self.choices.field
        queryset = field.queryset
        key = field.to_field_name or "pk"
        model_field = queryset.model._meta.pk if key == "pk" else queryset.model._meta.get_field(key)
        keys, ids = [], []
        for value in values:
            try:
                keys.append(model_field.to_python(value))
            except ValidationError:
                # A ModelForm's initial value of a foreign key is the row's id, whatever the key.
                if str(value).isdigit():
                    ids.append(int(value))
        rows = {}
        for obj in queryset.filter(Q(**{f"{key}__in": keys}) | Q(pk__in=ids)):
            rows[str(field.prepare_value(obj))] = rows[str(obj.pk)] = (field.prepare_value(obj), field.label_from_instance(obj))
        found = [rows[str(value)] for value in values if str(value) in rows]
        return list(dict.fromkeys(found))


class PickerSelect(PickerWidgetMixin, forms.Select):
    pass


class PickerSelectMultiple(PickerWidgetMixin, forms.SelectMultiple):
    pass


class PickerFieldMixin:
    def __init__(self, queryset, *, url, **kwargs):
        # A model's foreign key passes its own to_field_name ("id"); pickers always use the UUID.
        kwargs["to_field_name"] = "uuid"
        kwargs.setdefault("widget", self.widget(url=url))
        super().__init__(queryset, **kwargs)


class PickerField(PickerFieldMixin, forms.ModelChoiceField):
    """One row, chosen by UUID through the search widget at ``url``."""

    widget = PickerSelect


class PickerMultipleField(PickerFieldMixin, forms.ModelMultipleChoiceField):
    """Several rows, chosen by UUID through the search widget at ``url``."""

    widget = PickerSelectMultiple


def is_picker(field) -> bool:
    return isinstance(getattr(field, "widget", None), PickerWidgetMixin)
