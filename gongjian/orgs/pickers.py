"""The pickers of organizations, people and regions (and of the needs, resources, agreements,
activities and projects that forms link to), and the JSON endpoint they search.

Each source is a named set a user may choose from, built from the scoping querysets. A form's
picker names its source, so the browser is offered exactly what that user may choose; the
form's own queryset, a subset of the source (such as one less the object's own subtree), is
what validation checks. An unknown source, or a user who may not use it, gets nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass

import django_filters
from django import forms
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, JsonResponse
from django.urls import reverse, reverse_lazy
from django.utils.http import urlencode
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from gongjian.activities.models import Activity
from gongjian.agreements.models import Agreement
from gongjian.exchange.models import Need, Resource
from gongjian.lib.middleware import mark_no_store
from gongjian.lib.paging import page_number
from gongjian.lib.pickers import PickerField, PickerMultipleField
from gongjian.projects.models import Project

from .models import Membership, Organization, Person, Region

PAGE_SIZE = 20


def _organization_rows(queryset):
    # The parent's name tells apart the thousands of "第1党支部".
    return queryset.order_by("path").values_list("uuid", "name", "parent__name")


def _person_rows(queryset):
    # A person's first current organization tells apart two people of the same name.
    first_org = (
        Membership.objects.current().filter(person=models.OuterRef("pk"), organization__archived_at__isnull=True).order_by("organization__path")
    )
    return queryset.order_by("name", "pk").annotate(org_name=models.Subquery(first_org.values("organization__name")[:1])).values_list(
        "uuid", "name", "org_name"
    )


def _region_rows(queryset):
    return queryset.order_by("path").values_list("uuid", "name", "parent__name")


def _listing_rows(queryset):
    # Newest first: a project links what was published for it lately.
    return queryset.order_by("-pk").values_list("uuid", "title", "organization__name")


def _activity_rows(queryset):
    return queryset.order_by("-starts_at", "-pk").values_list("uuid", "title", "host__name")


def _project_rows(queryset):
    return queryset.order_by("-pk").values_list("uuid", "title", "lead__name")


def _agreement_rows(queryset):
    return queryset.order_by("-pk").values_list("uuid", "title", models.Value(""))


@dataclass(frozen=True)
class Source:
    """What one picker offers a user (``choices(user)``) and how a page of matches is read."""

    model: type
    choices: Callable
    rows: Callable
    personal: bool = False  # names of people: the answer must not be cached (SECURITY.md item 16)


SOURCES = {
    "organizations": Source(Organization, lambda user: Organization.objects.visible_to(user).active(), _organization_rows),
    "organizations-editable": Source(Organization, lambda user: Organization.objects.editable_by(user).active(), _organization_rows),
    # Every active organization of the alliance, by name only: partners, co-hosts, invitees.
    "organizations-directory": Source(Organization, lambda user: Organization.objects.directory(), _organization_rows),
    "people": Source(Person, lambda user: Person.objects.visible_to(user).active(), _person_rows, personal=True),
    # The expert pool is alliance-wide (orgs.views.SpeakerListView).
    "speakers": Source(Person, lambda user: Person.objects.speakers(), _person_rows, personal=True),
    # People not linked to an account yet, for the system administrator's user form.
    "people-unlinked": Source(
        Person,
        lambda user: Person.objects.active().filter(user__isnull=True) if user.may_manage_accounts else Person.objects.none(),
        _person_rows,
        personal=True,
    ),
    "regions": Source(Region, lambda user: Region.objects.visible_to(user), _region_rows),
    # What a project links to: a district holds thousands of needs, resources and agreements.
    "needs": Source(Need, lambda user: Need.objects.visible_to(user).active(), _listing_rows),
    "resources": Source(Resource, lambda user: Resource.objects.visible_to(user).active(), _listing_rows),
    "agreements": Source(Agreement, lambda user: Agreement.objects.visible_to(user).active(), _agreement_rows),
    # What a news article reports on.
    "activities": Source(Activity, lambda user: Activity.objects.visible_to(user).active(), _activity_rows),
    "projects": Source(Project, lambda user: Project.objects.visible_to(user).active(), _project_rows),
}


def choices_for(source: str, user):
    """The rows ``user`` may choose from ``source``; nothing without a signed-in user (schema generation)."""
    spec = SOURCES[source]
    if user is None or not user.is_authenticated:
        return spec.model.objects.none()
    return spec.choices(user)


def picker(source: str, queryset=None, *, multiple=False, **kwargs):
    """A form field choosing from ``source``; the form sets ``queryset`` (default: none) for its user."""
    field_class = PickerMultipleField if multiple else PickerField
    queryset = queryset if queryset is not None else SOURCES[source].model.objects.none()
    return field_class(queryset, url=reverse_lazy("orgs:picker", kwargs={"source": source}), **kwargs)


def use_picker(form, name: str, source: str, queryset=None):
    """Replace a ModelForm's generated choice field by a picker of ``source``, keeping its label,
    help text and whether it is required; the queryset defaults to the source for the form's user."""
    generated = form.fields[name]
    form.fields[name] = field = picker(
        source,
        queryset if queryset is not None else choices_for(source, form.user),
        multiple=isinstance(generated, forms.ModelMultipleChoiceField),
        label=generated.label,
        required=generated.required,
        help_text=generated.help_text,
        disabled=generated.disabled,
        initial=generated.initial,
    )
    field.widget.attrs.setdefault("class", "form-select")
    instance = getattr(form, "instance", None)
    if instance is not None and instance.pk and not isinstance(field, forms.ModelMultipleChoiceField):
        related_id = getattr(instance, instance._meta.get_field(name).attname)
        if related_id is not None and form.initial.get(name) == related_id:
            # The ModelForm's initial value is the related row's id; a disabled field is cleaned
            # from its initial value, which must then be the row itself (its UUID being the key).
            form.initial[name] = getattr(instance, name)
    return field


@extend_schema_field(OpenApiTypes.UUID)
class PickerFilter(django_filters.ModelChoiceFilter):
    """A list filter choosing one row of ``source`` by UUID, with the search widget."""

    field_class = PickerField

    def __init__(self, *args, source: str, **kwargs):
        kwargs.setdefault("queryset", lambda request: choices_for(source, getattr(request, "user", None)))
        kwargs["to_field_name"] = "uuid"
        kwargs["url"] = reverse_lazy("orgs:picker", kwargs={"source": source})
        super().__init__(*args, **kwargs)


@require_GET
@login_required
def picker_options(request, source):
    """One page of the matches of ``?q=`` (a name, part of it, or pinyin initials) in ``source``.

    ``{"results": [{"value": uuid, "text": name, "hint": context}], "next": url or null}``
    """
    spec = SOURCES.get(source)
    if spec is None:
        raise Http404
    if spec.personal:
        mark_no_store(request)
    text = request.GET.get("q", "")[:60]
    page = page_number(request.GET.get("page"))
    offset = (page - 1) * PAGE_SIZE
    rows = list(spec.rows(spec.choices(request.user).search(text))[offset : offset + PAGE_SIZE + 1])
    more = len(rows) > PAGE_SIZE
    next_url = reverse("orgs:picker", kwargs={"source": source}) + "?" + urlencode({"q": text, "page": page + 1}) if more else None
    results = [{"value": str(key), "text": name, "hint": hint or ""} for key, name, hint in rows[:PAGE_SIZE]]
    return JsonResponse({"results": results, "next": next_url})
