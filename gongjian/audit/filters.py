import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from gongjian.lib.filtering import FilterSet

from .models import Action, Outcome, Record, object_type_choices


def add_bootstrap_classes(form):
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs.setdefault("class", css)


class RecordFilterSet(FilterSet):
    """The same filters for the audit pages and the audit API."""

    actor = django_filters.CharFilter(label=_("Actor"), field_name="actor_name", lookup_expr="icontains")
    action = django_filters.ChoiceFilter(label=_("Action"), choices=Action.choices, empty_label=_("All actions"))
    object_type = django_filters.ChoiceFilter(label=_("Object type"), choices=object_type_choices)
    object_id = django_filters.CharFilter(label=_("Object id"))
    outcome = django_filters.ChoiceFilter(label=_("Outcome"), choices=Outcome.choices, empty_label=_("All outcomes"))
    ip = django_filters.CharFilter(label=_("Source IP"))
    since = django_filters.DateFilter(
        label=_("From"), field_name="created_at", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = django_filters.DateFilter(
        label=_("To"), field_name="created_at", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Record
        fields = ["actor", "action", "object_type", "object_id", "outcome", "ip", "since", "until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        add_bootstrap_classes(self.form)
