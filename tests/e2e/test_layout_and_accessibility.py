"""Every page in the menu, as an alliance admin, an org admin and a member, on a phone and on a desktop,
with a detail page of each kind and the public pages.

At 360 px nothing scrolls sideways; at 390 px no button, menu link or form control is under 44 px
high; at 390×844 and at 1280×800 axe-core (vendored under vendor/axe-core, never served to users)
finds no critical or serious violation. Each page is loaded once and resized: a resize lays the
page out again without a new request, which keeps the walk of some hundred pages to a few
minutes on two cores.

On a 390×844 phone the main action of a detail page (报名, 签到, 认领) sits on the first screen.
"""

from pathlib import Path

import pytest
from playwright.sync_api import expect

ACTIVITY = "“熔·融”理论宣讲第五讲：以学铸魂 以学促干"  # open for registration in the demo
AGREEMENT = "重构空间多维服务，激活社区治理新模式"
NEED = "街道党群服务中心空间设计与导视系统"  # 广富林街道's, open to the college's claim
COLLEGE = "示例学院党委"
PROJECT = "场中居民区党群服务站设计"
TASK = "效果图与适老化改造建议"  # open, for the design branch to take on
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
NARROW = {"width": 360, "height": 780}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
# The menu's links, the account's own among them; "#" opens a dropdown.
MENU_LINKS = (
    "() => [...document.querySelectorAll('nav .dropdown-menu a[href]')].map(a => a.getAttribute('href')).filter(h => h.startsWith('/'))"
)
OVERFLOW = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# What is wider than the window, to name the culprit in a failure.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(-3).map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + [...el.classList].join('.'))"""
# Buttons, links in the menu and form controls shorter than 44 px on a phone (a picker's hidden <select> aside).
SMALL_TARGETS = """() => [...document.querySelectorAll('.btn, .nav-link, .form-control, .form-select, .page-link, .dropdown-item')]
  .filter(el => { const r = el.getBoundingClientRect(); return r.width > 1 && r.height > 1 && r.height < 43.5; })
  .slice(0, 3).map(el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.') + ' ' + el.textContent.trim().slice(0, 12))"""
AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'critical' || v.impact === 'serious')
    .map(v => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')}`);
}"""


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    call_command("load_demo", verbosity=0)


@pytest.fixture
def signed_in(page, live_server):
    """signed_in(username): the browser carries a session of that user, second factor verified."""
    from django.conf import settings
    from django.test import Client

    from gongjian.accounts.models import User
    from gongjian.lib.testing import sign_in

    def _signed_in(username):
        client = sign_in(Client(), User.objects.get(username=username))
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.clear_cookies()
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])

    return _signed_in


def detail_pages():
    """A page of each kind the menu leads to, with the demo's widest content (an agreement was 565 px wide)."""
    from django.urls import reverse

    from gongjian.activities.models import Activity
    from gongjian.agreements.models import Agreement
    from gongjian.exchange.models import Need
    from gongjian.orgs.models import Organization
    from gongjian.projects.models import Project, Task

    project = Project.objects.get(title=PROJECT)
    return [
        Activity.objects.get(title=ACTIVITY).get_absolute_url(),
        Agreement.objects.get(title=AGREEMENT).get_absolute_url(),
        Need.objects.get(title=NEED).get_absolute_url(),
        Organization.objects.get(name=COLLEGE).get_absolute_url(),
        project.get_absolute_url(),
        reverse("projects:board", args=[project.uuid]),
        reverse("projects:task_detail", args=[Task.objects.get(title=TASK).uuid]),
    ]


def menu_pages(page, base):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{base}/")
    return ["/", *dict.fromkeys(page.evaluate(MENU_LINKS))]


def problems_on(page, base, urls):
    """What scrolls sideways at 360 px, the tap targets under 44 px at 390 px, and what axe finds
    at 390 px and at 1280 px, on each page."""
    page.context.add_init_script(path=AXE)  # by the browser, so the page's CSP does not apply
    problems = []
    for url in urls:
        page.set_viewport_size(NARROW)
        response = page.goto(f"{base}{url}")
        assert response and response.ok, url
        scroll_width, window_width = page.evaluate(OVERFLOW)
        if scroll_width > window_width:
            problems.append(f"{url} is {scroll_width} px wide at 360 px: {page.evaluate(WIDEST)}")
        page.set_viewport_size(PHONE)
        if small := page.evaluate(SMALL_TARGETS):
            problems.append(f"{url} has tap targets under 44 px: {small}")
        problems += [f"{url} at 390 px: {v}" for v in page.evaluate(AXE_RUN)]
        page.set_viewport_size(DESKTOP)
        problems += [f"{url} at 1280 px: {v}" for v in page.evaluate(AXE_RUN)]
    return problems


@pytest.mark.parametrize("username", ["alliance", "college_admin", "member_zhang"])
@pytest.mark.django_db(transaction=True)
def test_it_walks_every_menu_page_on_a_phone_and_a_desktop(page, live_server, demo, signed_in, username):
    signed_in(username)
    menu = menu_pages(page, live_server.url)
    print(f"{username}: {len(menu)} menu pages walked")
    assert len(menu) > 20
    problems = problems_on(page, live_server.url, [*menu, *detail_pages()])
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_it_checks_the_public_pages_the_same_way(page, live_server, demo):
    from gongjian.agreements.models import Agreement
    from gongjian.news.models import Article
    from gongjian.projects.models import Project

    article = Article.objects.filter(published_at__isnull=False).first()
    urls = [
        "/accounts/login/",
        "/news/",
        article.get_public_url(),
        Agreement.objects.filter(published_at__isnull=False).first().get_public_url(),
        Project.objects.get(title=PROJECT).get_showcase_url(),
    ]
    problems = problems_on(page, live_server.url, urls)
    assert not problems, "\n".join(problems)


@pytest.mark.django_db(transaction=True)
def test_it_shows_the_main_action_on_the_first_screen_of_a_phone(page, live_server, demo, signed_in):
    from django.urls import reverse

    from gongjian.activities.models import Activity
    from gongjian.exchange.models import Need
    from gongjian.projects.models import Task

    page.set_viewport_size(PHONE)
    pages = [
        ("member_zhang", Activity.objects.get(title=ACTIVITY).get_absolute_url(), "[data-role=register]", "报名"),
        ("college_admin", Activity.objects.get(title=ACTIVITY).get_absolute_url(), "#checkin-actions a >> nth=0", "签到"),
        ("college_admin", Need.objects.get(title=NEED).get_absolute_url(), "#claim-button", "认领"),
        ("design_branch", reverse("projects:task_detail", args=[Task.objects.get(title=TASK).uuid]), "[data-action=claim]", "认领"),
    ]
    for username, url, action, label in pages:
        signed_in(username)
        page.goto(f"{live_server.url}{url}")
        button = page.locator(action)
        expect(button).to_contain_text(label)
        box = button.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"], f"{url}: {action} at {box}"
        assert box["height"] >= 44, f"{url}: {action} is {box['height']} px high"
