"""iCalendar feeds: no session (calendar apps cannot sign in); the keyed token in the URL is the credential."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from gongjian.orgs.models import Organization, Person

from .. import ical
from ..models import Activity


def _response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=900"
    return response


def ical_organization(request, uuid, token):
    if not ical.check_token("org", uuid, token):
        raise Http404
    organization = get_object_or_404(Organization.objects.active(), uuid=uuid)
    queryset = Activity.objects.active().filter(invite_alliance=True) | Activity.objects.active().for_organization(organization)
    activities = ical.feed_window(queryset.select_related("host"))
    return _response(ical.build_calendar(activities, organization.name), f"org-{uuid}.ics")


def ical_person(request, uuid, token):
    if not ical.check_token("person", uuid, token):
        raise Http404
    person = get_object_or_404(Person.objects.active(), uuid=uuid)
    activities = ical.feed_window(Activity.objects.active().for_person(person).select_related("host"))
    return _response(ical.build_calendar(activities, person.name), f"person-{uuid}.ics")
