"""The REST API follows the same rules as the pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gongjian.activities.choices import RegistrationStatus as S
from gongjian.activities.models import Activity

from .helpers import make_activity, make_people, make_speaker

pytestmark = pytest.mark.django_db


def payload(world, **overrides):
    start = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    data = {
        "title": "两会精神专题联学",
        "kind": "topical_study",
        "track": "study",
        "host": str(world.own_org.uuid),
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "venue": "松江区科创发展办会议室",
        "capacity": 30,
    }
    data.update(overrides)
    return data


class TestActivities:
    def test_it_creates_an_activity_with_co_hosts_and_speakers(self, world, api_for):
        speaker = make_speaker()
        data = payload(world, co_hosts=[str(world.foreign_org.uuid)], speakers=[str(speaker.uuid)], minutes="<p>ok</p><script>x</script>")
        response = api_for(world.org_admin).post("/api/v1/activities/", data, format="json")
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["co_hosts"] == [str(world.foreign_org.uuid)] and body["speakers"] == [str(speaker.uuid)]
        assert body["minutes"] == "<p>ok</p>"
        assert body["registration_state"] == "open" and body["places_taken"] == 0

    def test_it_refuses_a_host_outside_the_users_scope(self, world, api_for):
        response = api_for(world.org_admin).post("/api/v1/activities/", payload(world, host=str(world.foreign_org.uuid)), format="json")
        assert response.status_code == 403
        assert api_for(world.member).post("/api/v1/activities/", payload(world), format="json").status_code == 403
        assert not Activity.objects.exists()

    def test_it_answers_model_rules_with_400_and_a_message(self, world, api_for):
        start = timezone.now() + timedelta(days=1)
        data = payload(world, starts_at=start.isoformat(), ends_at=(start - timedelta(hours=1)).isoformat())
        response = api_for(world.org_admin).post("/api/v1/activities/", data, format="json")
        assert response.status_code == 400 and "ends_at" in response.json()
        response = api_for(world.org_admin).post("/api/v1/activities/", payload(world, speakers=[str(world.member.person.uuid)]), format="json")
        assert response.status_code == 400 and "speakers" in response.json()
        response = api_for(world.org_admin).post("/api/v1/activities/", payload(world, co_hosts=[str(world.own_org.uuid)]), format="json")
        assert response.status_code == 400 and "co_hosts" in response.json()

    def test_it_refuses_moving_an_activity_to_a_foreign_host(self, world, api_for):
        activity = make_activity(world.own_org)
        response = api_for(world.org_admin).patch(f"/api/v1/activities/{activity.uuid}/", {"host": str(world.foreign_org.uuid)}, format="json")
        assert response.status_code == 403
        activity.refresh_from_db()
        assert activity.host == world.own_org

    def test_it_promotes_the_waitlist_when_the_capacity_grows(self, world, api_for):
        activity = make_activity(world.own_org, capacity=1)
        for person in make_people(world.own_branch, 2):
            activity.register(person)
        response = api_for(world.org_admin).patch(f"/api/v1/activities/{activity.uuid}/", {"capacity": 2}, format="json")
        assert response.status_code == 200
        assert activity.places_taken() == 2

    def test_it_archives_on_delete(self, world, api_for):
        activity = make_activity(world.own_org)
        assert api_for(world.org_admin).delete(f"/api/v1/activities/{activity.uuid}/").status_code == 204
        activity.refresh_from_db()
        assert activity.is_archived

    def test_it_filters_by_track_and_organization(self, world, api_for):
        study = make_activity(world.own_org, track="study")
        build = make_activity(world.own_branch, track="build", kind="research_visit")
        client = api_for(world.alliance_admin)
        assert [a["uuid"] for a in client.get("/api/v1/activities/", {"track": "build"}).json()["results"]] == [str(build.uuid)]
        results = client.get("/api/v1/activities/", {"organization": str(world.own_org.uuid)}).json()["results"]
        assert [a["uuid"] for a in results] == [str(study.uuid)]

    def test_it_keeps_the_list_query_count_flat(self, world, api_for, django_assert_num_queries):
        client = api_for(world.member)
        speaker = make_speaker()
        people = make_people(world.own_branch, 2)

        def add(count):
            for _ in range(count):
                activity = make_activity(world.own_org, co_hosts=[world.foreign_org], speakers=[speaker], invited_orgs=[world.own_branch])
                for person in people:
                    activity.register(person)

        add(2)
        client.get("/api/v1/activities/")
        with CaptureQueriesContext(connection) as small:
            client.get("/api/v1/activities/")
        add(20)
        with django_assert_num_queries(len(small.captured_queries)):
            response = client.get("/api/v1/activities/", {"page_size": 50})
        assert len(response.json()["results"]) == 22

    def test_it_cancels_an_activity(self, world, api_for):
        activity = make_activity(world.own_org)
        activity.register(world.member.person)
        response = api_for(world.org_admin).post(f"/api/v1/activities/{activity.uuid}/cancel/", {"reason": "场地调整"}, format="json")
        assert response.status_code == 200 and response.json()["cancelled_at"]
        assert activity.registrations.get().status == S.CANCELLED
        assert api_for(world.org_admin).post(f"/api/v1/activities/{activity.uuid}/cancel/", {}, format="json").status_code == 400


class TestRegistration:
    def test_it_registers_the_caller(self, world, api_for):
        activity = make_activity(world.own_org, capacity=1)
        response = api_for(world.member).post(f"/api/v1/activities/{activity.uuid}/register/", {}, format="json")
        assert response.status_code == 201
        [registration] = response.json()
        assert registration["status"] == S.REGISTERED and registration["person"] == str(world.member.person.uuid)
        assert len(registration["code"]) == 6
        again = api_for(world.member).post(f"/api/v1/activities/{activity.uuid}/register/", {}, format="json")
        assert again.status_code == 400

    def test_it_refuses_registration_after_the_window(self, world, api_for):
        activity = make_activity(world.own_org, registration_closes_at=timezone.now() - timedelta(seconds=1))
        response = api_for(world.member).post(f"/api/v1/activities/{activity.uuid}/register/", {}, format="json")
        assert response.status_code == 400 and not activity.registrations.exists()

    def test_it_lets_an_org_admin_register_a_group(self, world, api_for):
        activity = make_activity(world.own_org, capacity=1)
        people = make_people(world.own_branch, 2)
        data = {"people": [str(p.uuid) for p in people], "organization": str(world.own_branch.uuid)}
        response = api_for(world.org_admin).post(f"/api/v1/activities/{activity.uuid}/register/", data, format="json")
        assert response.status_code == 201
        assert [r["status"] for r in response.json()] == [S.REGISTERED, S.WAITLISTED]

    def test_it_refuses_a_member_registering_others(self, world, api_for):
        activity = make_activity(world.own_org)
        data = {"people": [str(world.org_admin.person.uuid)]}
        assert api_for(world.member).post(f"/api/v1/activities/{activity.uuid}/register/", data, format="json").status_code == 403
        data = {"people": [str(world.org_admin.person.uuid)], "organization": str(world.own_branch.uuid)}
        assert api_for(world.member).post(f"/api/v1/activities/{activity.uuid}/register/", data, format="json").status_code == 403
        assert not activity.registrations.exists()

    def test_it_hides_activities_outside_scope_from_registration(self, world, api_for):
        activity = make_activity(world.foreign_org)
        assert api_for(world.member).post(f"/api/v1/activities/{activity.uuid}/register/", {}, format="json").status_code == 404

    def test_it_cancels_and_promotes(self, world, api_for):
        activity = make_activity(world.own_org, capacity=1)
        holder = activity.register(world.member.person)
        waiting = activity.register(world.org_admin.person)
        response = api_for(world.member).post(f"/api/v1/registrations/{holder.uuid}/cancel/", {}, format="json")
        assert response.status_code == 200 and response.json()["status"] == S.CANCELLED
        waiting.refresh_from_db()
        assert waiting.status == S.REGISTERED
        assert api_for(world.member).post(f"/api/v1/registrations/{holder.uuid}/cancel/", {}, format="json").status_code == 400

    def test_it_shows_registrations_to_the_person_their_admins_and_the_organizers_only(self, world, api_for):
        activity = make_activity(world.own_org, invite_alliance=True)
        mine = activity.register(world.member.person)
        theirs = activity.register(world.outsider.person)

        def seen(user):
            return {r["uuid"] for r in api_for(user).get("/api/v1/registrations/").json()["results"]}

        assert seen(world.member) == {str(mine.uuid)}
        assert seen(world.outsider) == {str(theirs.uuid)}
        assert seen(world.org_admin) == {str(mine.uuid), str(theirs.uuid)}
        assert api_for(world.outsider).get(f"/api/v1/registrations/{mine.uuid}/").status_code == 404
        listed = api_for(world.member).get(f"/api/v1/activities/{activity.uuid}/registrations/").json()["results"]
        assert [r["uuid"] for r in listed] == [str(mine.uuid)]

    def test_it_counts_an_activitys_registrations_not_the_activities(self, world, api_for):
        """?count=true on the registrations action counts what that action pages (lib.api_policy)."""
        activity = make_activity(world.own_org, invite_alliance=True)
        make_activity(world.own_org)  # a second activity, so the two counts differ
        activity.register(world.member.person)
        activity.register(world.outsider.person)
        activity.register(world.org_admin.person)
        url = f"/api/v1/activities/{activity.uuid}/registrations/"
        body = api_for(world.org_admin).get(url, {"page_size": 2, "count": "true"}).json()
        assert len(body["results"]) == 2 and body["count"] == 3

    def test_it_checks_in_by_code_for_organizers(self, world, api_for):
        activity = make_activity(world.own_org, starts_in=timedelta(minutes=30))
        registration = activity.register(world.member.person)
        url = f"/api/v1/activities/{activity.uuid}/check-in/"
        first = api_for(world.org_admin).post(url, {"code": registration.code}, format="json")
        assert first.status_code == 200 and first.json()["changed"] is True
        second = api_for(world.org_admin).post(url, {"code": registration.code}, format="json")
        assert second.json()["changed"] is False and second.json()["registration"]["status"] == S.ATTENDED
        assert api_for(world.member).post(url, {"code": registration.code}, format="json").status_code == 403

    def test_it_lets_a_person_check_in_with_the_qr_token(self, world, api_for):
        activity = make_activity(world.own_org, starts_in=timedelta(minutes=30))
        registration = activity.register(world.member.person)
        url = f"/api/v1/registrations/{registration.uuid}/check-in/"
        assert api_for(world.member).post(url, {"token": "wrong"}, format="json").status_code == 403
        response = api_for(world.member).post(url, {"token": activity.checkin_token}, format="json")
        assert response.status_code == 200 and response.json()["registration"]["status"] == S.ATTENDED

    def test_it_refuses_api_check_in_outside_the_window(self, world, api_for):
        activity = make_activity(world.own_org, starts_in=timedelta(days=2))
        registration = activity.register(world.member.person)
        response = api_for(world.org_admin).post(f"/api/v1/activities/{activity.uuid}/check-in/", {"code": registration.code}, format="json")
        assert response.status_code == 400


class TestTimelineAndSchema:
    def test_it_serves_an_organizations_timeline(self, world, api_for):
        hosted = make_activity(world.own_branch, title="支部主办")
        response = api_for(world.org_admin).get("/api/v1/activities/timeline/", {"organization": str(world.own_branch.uuid)})
        assert response.status_code == 200
        assert [(e["title"], e["role"]) for e in response.json()] == [(hosted.title, "hosted")]
        assert api_for(world.outsider).get("/api/v1/activities/timeline/", {"organization": str(world.own_branch.uuid)}).status_code == 404

    def test_it_documents_every_endpoint_in_the_schema(self, world, client):
        schema = client.get("/api/schema/?format=json").json()
        paths = set(schema["paths"])
        for path in (
            "/api/v1/activities/",
            "/api/v1/activities/{uuid}/",
            "/api/v1/activities/{uuid}/register/",
            "/api/v1/activities/{uuid}/check-in/",
            "/api/v1/activities/{uuid}/cancel/",
            "/api/v1/activities/{uuid}/photos/",
            "/api/v1/activities/{uuid}/registrations/",
            "/api/v1/activities/timeline/",
            "/api/v1/activity-series/",
            "/api/v1/registrations/",
            "/api/v1/registrations/{uuid}/cancel/",
            "/api/v1/registrations/{uuid}/check-in/",
            "/api/v1/notifications/",
            "/api/v1/notifications/{uuid}/read/",
            "/api/v1/notifications/read-all/",
            "/api/v1/notifications/preference/",
        ):
            assert path in paths, path
        register = schema["paths"]["/api/v1/activities/{uuid}/register/"]["post"]
        assert "requestBody" in register and "201" in register["responses"]


def test_it_lists_a_persons_activities(world, api_for):
    going = make_activity(world.own_org, title="张伟报名的活动")
    going.register(world.member.person)
    make_activity(world.own_org, title="没人报名的活动")
    results = api_for(world.org_admin).get("/api/v1/activities/", {"person": str(world.member.person.uuid)}).json()["results"]
    assert [a["uuid"] for a in results] == [str(going.uuid)]
    # Someone outside the caller's scope is nobody: no way to probe their activities.
    response = api_for(world.outsider).get("/api/v1/activities/", {"person": str(world.member.person.uuid)})
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize("params", [{}, {"organization": ""}, {"organization": "not-a-uuid"}])
def test_it_answers_400_for_a_timeline_without_a_readable_organization(world, api_for, params):
    response = api_for(world.org_admin).get("/api/v1/activities/timeline/", params)
    assert response.status_code == 400
    assert "organization" in response.json()
