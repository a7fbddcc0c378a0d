"""Browser journeys for activities: create a lecture, register on a phone, check in by QR page, record the minutes."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from gongjian.activities.choices import RegistrationStatus
from gongjian.activities.models import Activity
from gongjian.lib.testing import PASSWORD
from gongjian.orgs.models import Organization, Person

PHONE = {"width": 390, "height": 844}


def lecture(world, starts_in=timedelta(hours=1), **fields):
    starts = (timezone.now() + starts_in).replace(second=0, microsecond=0)
    speaker = Person.objects.create(name="顾劳模", is_speaker=True, speaker_topics=["劳模精神"], titles=["党的二十大代表"])
    activity = Activity.objects.create(
        title="“熔·融”理论宣讲：劳模精神进校园",
        kind="lecture",
        track="study",
        host=world.own_org,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        venue="示例学院第一报告厅",
        capacity=50,
        registration_closes_at=starts + timedelta(hours=1),
        **fields,
    )
    activity.speakers.set([speaker])
    return activity


@pytest.mark.django_db(transaction=True)
def test_an_org_admin_creates_a_lecture_with_two_co_hosts_and_a_speaker(page, live_server, login, world, pick):
    speaker = Person.objects.create(name="沈教授", is_speaker=True, speaker_topics=["两会精神"], titles=["市委党校教授"])
    studio = Organization.objects.create(name="“熔·融”党建工作室", sector="school", kind="studio", parent=world.own_org)
    start = (timezone.localtime() + timedelta(days=3)).replace(hour=14, minute=0)

    login("orgadmin", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/activities/study/")
    page.click("a[href^='/activities/add/']")
    page.fill("#id_title", "“熔·融”理论宣讲第二讲：全国两会精神解读")
    page.select_option("#id_kind", "lecture")
    page.select_option("#id_track", "study")
    pick("#id_host", "slxy", world.own_org.uuid)
    pick("#id_co_hosts", "党建工作室", studio.uuid)
    pick("#id_co_hosts", "gfl", world.foreign_org.uuid)
    pick("#id_speakers", "sjs", speaker.uuid)
    page.fill("#id_starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (start + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_venue", "示例学院第一报告厅")
    page.fill("#id_capacity", "120")
    page.click("#form-container button[type=submit]")

    page.wait_for_url(re.compile(r"/activities/[0-9a-f-]{36}/$"))
    expect(page.locator("[data-role=co-hosts]")).to_contain_text(studio.name)
    expect(page.locator("[data-role=co-hosts]")).to_contain_text(world.foreign_org.name)
    expect(page.locator("[data-role=speakers]")).to_contain_text("沈教授")
    activity = Activity.objects.get(title="“熔·融”理论宣讲第二讲：全国两会精神解读")
    assert set(activity.co_hosts.all()) == {studio, world.foreign_org}
    assert timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M") == start.strftime("%Y-%m-%d %H:%M")


@pytest.mark.django_db(transaction=True)
def test_a_member_registers_on_a_phone(page, live_server, login, world):
    activity = lecture(world, starts_in=timedelta(days=2))
    page.set_viewport_size(PHONE)
    login("member", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{activity.get_absolute_url()}")

    button = page.locator("[data-role=register]")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box["width"] <= PHONE["width"] and box["x"] >= 0, "the button fits the phone screen"
    button.click()

    code = page.locator("[data-role=my-code]")
    expect(code).to_be_visible()
    registration = activity.registrations.get(person=world.member.person)
    assert registration.status == RegistrationStatus.REGISTERED
    expect(code).to_have_text(registration.code)
    # Nothing on the page is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.django_db(transaction=True)
def test_the_organizer_checks_the_member_in_from_the_qr_page(page, live_server, login, world):
    activity = lecture(world)
    registration = activity.register(world.member.person)
    login("orgadmin", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/activities/{activity.uuid}/qr/")

    expect(page.locator("[data-role=qr] svg")).to_be_visible()
    link = page.locator("[data-role=checkin-link]")
    assert activity.checkin_token in link.get_attribute("href")
    link.click()

    page.wait_for_url(re.compile(r"/checkin/"))
    expect(page.locator("[data-role=checked-in-count]")).to_have_text("0 / 1")
    page.fill("#organizer-checkin input[name=code]", registration.code.lower())
    page.click("#organizer-checkin form button[type=submit] >> nth=0")
    expect(page.locator("[data-role=checked-in-count]")).to_have_text("1 / 1")
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ATTENDED and registration.checked_in_at is not None


@pytest.mark.django_db(transaction=True)
def test_the_minutes_are_saved_and_shown_on_the_activity_page(page, live_server, login, world):
    activity = lecture(world, starts_in=timedelta(days=-1))
    login("orgadmin", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}{activity.get_absolute_url()}")
    page.click(f"a[href='/activities/{activity.uuid}/minutes/']")
    page.fill("#id_minutes", "<p>顾劳模结合亲身经历宣讲<strong>劳模精神</strong>。</p><script>document.title='hacked'</script>")
    page.fill("#id_outcomes", "形成宣讲简报一期")
    page.click("#form-container button[type=submit]")

    page.wait_for_url(f"{live_server.url}{activity.get_absolute_url()}")
    minutes = page.locator("[data-role=minutes]")
    expect(minutes).to_contain_text("顾劳模结合亲身经历宣讲劳模精神。")
    expect(minutes.locator("strong")).to_have_text("劳模精神")
    expect(page.locator("#minutes")).to_contain_text("形成宣讲简报一期")
    assert page.title() != "hacked"
    activity.refresh_from_db()
    assert "<script" not in activity.minutes
