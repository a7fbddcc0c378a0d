"""FilterSets shared by the lists and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

from gongjian.activities.choices import Track
from gongjian.lib.filtering import AlwaysBoundFilterSet
from gongjian.orgs.models import Organization
from gongjian.orgs.pickers import PickerFilter

from .choices import ProjectStatus, TaskStatus
from .models import Project, Task


def _visible_organizations(request):
    if request is None:
        return Organization.objects.none()
    return Organization.objects.visible_to(request.user)


def _visible_projects(request):
    if request is None:
        return Project.objects.none()
    return Project.objects.visible_to(request.user)


class ProjectFilterSet(AlwaysBoundFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ProjectStatus.choices)
    track = django_filters.ChoiceFilter(label=_("Track"), choices=Track.choices)
    organization = PickerFilter(
        label=_("Organization"), source="organizations", queryset=_visible_organizations, method="filter_organization"
    )
    featured = django_filters.BooleanFilter(label=_("Featured"), field_name="is_featured", widget=BooleanWidget)
    archived = django_filters.BooleanFilter(label=_("Show archived"), method="filter_archived", widget=BooleanWidget)

    class Meta:
        model = Project
        fields = ["q", "status", "track", "organization", "featured", "archived"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(brand__icontains=value) | Q(lead__name__icontains=value))

    def filter_organization(self, queryset, name, value):
        return queryset.involving(value)

    def filter_archived(self, queryset, name, value):
        return queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("archived") and not self.form.cleaned_data.get("status") == ProjectStatus.ARCHIVED:
            queryset = queryset.filter(archived_at__isnull=True)
        return queryset


class TaskFilterSet(AlwaysBoundFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    project = django_filters.ModelChoiceFilter(label=_("Project"), queryset=_visible_projects, to_field_name="uuid")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=TaskStatus.choices)
    team_org = PickerFilter(label=_("Team organization"), source="organizations", queryset=_visible_organizations)
    mine = django_filters.BooleanFilter(label=_("My teams' tasks"), method="filter_mine", widget=BooleanWidget)

    class Meta:
        model = Task
        fields = ["q", "project", "status", "team_org", "mine"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(title__icontains=value) | Q(location__icontains=value)) if value else queryset

    def filter_mine(self, queryset, name, value):
        return queryset.of_team(self.request.user) if value and self.request is not None else queryset
