import django_filters
from django import forms
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gongjian.lib.filtering import FilterSet
from gongjian.orgs.models import Organization, Person

from .choices import ActivityKind, RegistrationStatus, Track
from .models import Activity, Registration, Series


class ActivityFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    track = django_filters.ChoiceFilter(label=_("Track"), choices=Track.choices)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ActivityKind.choices)
    # By UUID, from links and the API; hidden on the list page (a <select> of every organization is slow and unusable).
    # Plain UUID filters that look their object up only when given: no choice querysets built on every request.
    series = django_filters.UUIDFilter(label=_("Series"), method="in_series", widget=forms.HiddenInput)
    organization = django_filters.UUIDFilter(label=_("Organization"), method="involving", widget=forms.HiddenInput)
    org_name = django_filters.CharFilter(label=_("Organization"), method="involving_name")
    person = django_filters.UUIDFilter(label=_("Person"), method="of_person", widget=forms.HiddenInput)
    when = django_filters.ChoiceFilter(
        label=_("When"), choices=(("upcoming", _("Upcoming")), ("past", _("Past"))), method="by_time", empty_label=_("Any time")
    )
    starts_after = django_filters.DateFilter(
        label=_("Starting from"), field_name="starts_at", lookup_expr="date__gte", widget=forms.DateInput(attrs={"type": "date"})
    )
    starts_before = django_filters.DateFilter(
        label=_("Starting until"), field_name="starts_at", lookup_expr="date__lte", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Activity
        fields = ["q", "track", "kind", "series", "organization", "org_name", "person", "when", "starts_after", "starts_before"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(models.Q(title__icontains=value) | models.Q(venue__icontains=value) | models.Q(host__name__icontains=value))

    def in_series(self, queryset, name, value):
        return queryset.filter(series__uuid=value) if value else queryset

    def involving(self, queryset, name, value):
        if not value:
            return queryset
        organization = Organization.objects.directory().filter(uuid=value).first()
        return queryset.for_organization(organization) if organization else queryset.none()

    def of_person(self, queryset, name, value):
        if not value:
            return queryset
        # Only people the caller may see: someone else's UUID must not reveal their activities.
        user = getattr(self.request, "user", None)
        person = Person.objects.visible_to(user).filter(uuid=value).first() if user is not None else None
        return queryset.for_person(person) if person else queryset.none()

    def involving_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.for_organization(Organization.objects.filter(models.Q(name__icontains=value) | models.Q(short_name__icontains=value)))

    def by_time(self, queryset, name, value):
        now = timezone.now()
        if value == "upcoming":
            return queryset.filter(ends_at__gte=now).order_by("starts_at", "pk")
        if value == "past":
            return queryset.filter(ends_at__lt=now)
        return queryset


class RegistrationFilterSet(FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=RegistrationStatus.choices)
    activity = django_filters.UUIDFilter(label=_("Activity"), field_name="activity__uuid")
    q = django_filters.CharFilter(label=_("Search"), method="search")

    class Meta:
        model = Registration
        fields = ["status", "activity", "q"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)

    def search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(models.Q(person__name__icontains=value) | models.Q(code=value.upper())) if value else queryset


class SeriesFilterSet(FilterSet):
    q = django_filters.CharFilter(label=_("Search"), field_name="name", lookup_expr="icontains")
    track = django_filters.ChoiceFilter(label=_("Track"), choices=Track.choices)

    class Meta:
        model = Series
        fields = ["q", "track"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
            field.widget.attrs.setdefault("class", css)
