"""The content-safety pages and API: who may use them, what they change, what they show."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from gongjian.audit.models import Record
from gongjian.lib.navigation import MenuItem
from gongjian.lib.testing import api_client_for, make_user
from gongjian.news.apps import NewsConfig
from gongjian.news.models import AllowedDomain, AllowedPhrase, SafetyTerm


@pytest.fixture
def admins(world, seeded):
    """Who may manage the lists, and who may not, beside the shared test world."""
    return {
        "security": make_user("sec", admin_role="security"),
        "alliance_admin": world.alliance_admin,
        "system": make_user("sys", admin_role="system"),
        "audit": make_user("aud", admin_role="audit"),
        "org_admin": world.org_admin,
        "member": world.member,
        "outsider": world.outsider,
    }


MANAGERS = ("security", "alliance_admin")
OTHERS = ("system", "audit", "org_admin", "member", "outsider")


def term(name="新葡京"):
    return SafetyTerm.objects.get(term=name)


def page_urls():
    phrase, domain, t = AllowedPhrase.objects.first(), AllowedDomain.objects.first(), term()
    return [
        ("get", reverse("news:safety_term_list")),
        ("get", reverse("news:safety_term_create")),
        ("get", reverse("news:safety_term_edit", args=[t.uuid])),
        ("post", reverse("news:safety_term_deactivate", args=[t.uuid])),
        ("post", reverse("news:safety_term_activate", args=[t.uuid])),
        ("get", reverse("news:safety_phrase_list")),
        ("get", reverse("news:safety_phrase_create")),
        ("get", reverse("news:safety_phrase_edit", args=[phrase.uuid])),
        ("post", reverse("news:safety_phrase_delete", args=[phrase.uuid])),
        ("get", reverse("news:safety_domain_list")),
        ("get", reverse("news:safety_domain_create")),
        ("get", reverse("news:safety_domain_edit", args=[domain.uuid])),
        ("post", reverse("news:safety_domain_delete", args=[domain.uuid])),
        ("get", reverse("news:safety_try")),
        ("post", reverse("news:safety_try")),
    ]


# --- permissions ----------------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_the_login_page(client, admins):
    for method, url in page_urls():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "login" in response["Location"], url


@pytest.mark.parametrize("role", OTHERS)
def test_it_refuses_everyone_but_the_security_and_alliance_admins(client_for, admins, role):
    client = client_for(admins[role])
    for method, url in page_urls():
        assert getattr(client, method)(url).status_code == 403, (role, url)
    assert AllowedPhrase.objects.count() and AllowedDomain.objects.count() and term().is_active


@pytest.mark.parametrize("role", MANAGERS)
def test_it_lets_the_security_and_alliance_admins_in(client_for, admins, role):
    client = client_for(admins[role])
    for method, url in page_urls():
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_it_shows_the_menu_item_to_those_who_may_manage(admins):
    [item] = [i for i in NewsConfig.menu if i.url_name == "news:safety_term_list"]
    assert isinstance(item, MenuItem) and item.group == "admin"
    assert {role for role, user in admins.items() if item.visible(user)} == set(MANAGERS)


def test_it_shows_the_menu_item_in_the_page(client_for, admins):
    url = reverse("news:safety_term_list")
    assert url in client_for(admins["security"]).get(reverse("news:safety_try")).content.decode()
    assert f'href="{url}"' not in client_for(admins["member"]).get("/").content.decode()


# --- the lists ----------------------------------------------------------------------------------


def test_it_lists_and_filters_terms(client_for, admins, django_assert_max_num_queries):
    client = client_for(admins["security"])
    client.get(reverse("news:safety_term_list"))  # session and second-factor look-ups settle
    with django_assert_max_num_queries(8):
        response = client.get(reverse("news:safety_term_list"), {"tier": "review", "per_page": 100})
    content = response.content.decode()
    assert "时时彩" in content and "新葡京" not in content
    response = client.get(reverse("news:safety_term_list"), {"q": "葡京"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="object-table")
    assert "新葡京" in response.content.decode() and "<html" not in response.content.decode()


def test_it_adds_a_term_and_audits_it(client_for, admins):
    client = client_for(admins["security"])
    response = client.post(
        reverse("news:safety_term_create"),
        {"term": "豪华娱乐场", "kind": "term", "tier": "block", "category": "gambling", "is_active": "on", "note": "测试"},
    )
    assert response.status_code == 302
    created = SafetyTerm.objects.get(term="豪华娱乐场")
    assert Record.objects.filter(
        action="create", object_type="news.safetyterm", object_id=str(created.pk), actor=admins["security"]
    ).exists()


def test_it_refuses_a_duplicate_term_in_the_form(client_for, admins):
    client = client_for(admins["alliance_admin"])
    response = client.post(reverse("news:safety_term_create"), {"term": "新葡京", "kind": "term", "tier": "block", "category": "gambling"})
    assert response.status_code == 200 and SafetyTerm.objects.filter(term="新葡京").count() == 1
    assert response.context["form"].errors


def test_it_edits_a_term(client_for, admins):
    client = client_for(admins["security"])
    t = term()
    response = client.post(
        reverse("news:safety_term_edit", args=[t.uuid]),
        {"term": "新葡京", "kind": "term", "tier": "review", "category": "gambling", "is_active": "on"},
    )
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.tier == "review"
    assert Record.objects.filter(
        action="update", object_type="news.safetyterm", object_id=str(t.pk), changes__tier=["block", "review"]
    ).exists()


def test_it_deactivates_and_reactivates_a_term(client_for, admins):
    client = client_for(admins["security"])
    t = term()
    assert client.get(reverse("news:safety_term_deactivate", args=[t.uuid])).status_code == 405
    assert client.post(reverse("news:safety_term_deactivate", args=[t.uuid])).status_code == 302
    t.refresh_from_db()
    assert not t.is_active
    assert Record.objects.filter(action="update", object_id=str(t.pk), changes__is_active=[True, False]).exists()
    client.post(reverse("news:safety_term_activate", args=[t.uuid]))
    t.refresh_from_db()
    assert t.is_active


def test_it_adds_and_removes_allowed_phrases_and_domains(client_for, admins):
    client = client_for(admins["security"])
    assert client.post(reverse("news:safety_phrase_create"), {"phrase": "银河湾社区", "note": "地名"}).status_code == 302
    assert client.post(reverse("news:safety_domain_create"), {"domain": "https://www.Example.edu.CN/x"}).status_code == 302
    assert AllowedDomain.objects.filter(domain="www.example.edu.cn").exists()
    phrase = AllowedPhrase.objects.get(phrase="银河湾社区")
    assert client.post(reverse("news:safety_phrase_delete", args=[phrase.uuid])).status_code == 302
    assert not AllowedPhrase.objects.filter(pk=phrase.pk).exists()
    assert Record.objects.filter(action="delete", object_type="news.allowedphrase", object_id=str(phrase.pk)).exists()
    domain = AllowedDomain.objects.get(domain="www.example.edu.cn")
    client.post(reverse("news:safety_domain_delete", args=[domain.uuid]))
    assert not AllowedDomain.objects.filter(pk=domain.pk).exists()
    assert client.post(reverse("news:safety_domain_create"), {"domain": "not a domain"}).status_code == 200


# --- try a text ------------------------------------------------------------------------------------


def test_it_shows_the_verdict_with_the_spans_marked_and_escaped(client_for, admins):
    client = client_for(admins["security"])
    text = '<b onmouseover="x">标题</b>77779193永利官网'
    response = client.post(reverse("news:safety_try"), {"text": text})
    content = response.content.decode()
    assert response.context["verdict"].verdict == "block"
    assert '<mark class="bg-danger-subtle">77779193永利官网</mark>' in content
    assert "&lt;b onmouseover=&quot;x&quot;&gt;标题&lt;/b&gt;" in content and '<b onmouseover="x">' not in content
    assert 'data-verdict="block"' in content


def test_it_answers_htmx_with_the_result_only(client_for, admins):
    client = client_for(admins["alliance_admin"])
    response = client.post(reverse("news:safety_try"), {"text": "永利路党群服务站"}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert 'data-verdict="ok"' in content and "<html" not in content


def test_it_scans_as_html_when_asked(client_for, admins):
    client = client_for(admins["security"])
    text = '&lt;div style="display:none"&gt;x'
    assert client.post(reverse("news:safety_try"), {"text": text}).context["verdict"].ok
    hidden = '<div style="display:none">隐藏</div>'
    assert client.post(reverse("news:safety_try"), {"text": hidden}).context["verdict"].verdict == "review"


# --- the API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", OTHERS)
def test_it_refuses_the_api_to_others(admins, role):
    api = api_client_for(admins[role])
    t = term()
    assert api.get("/api/v1/news/safety/terms/").status_code == 403
    assert api.post("/api/v1/news/safety/terms/", {"term": "新词测试"}, format="json").status_code == 403
    assert api.patch(f"/api/v1/news/safety/terms/{t.uuid}/", {"is_active": False}, format="json").status_code == 403
    assert api.get("/api/v1/news/safety/phrases/").status_code == 403
    assert api.get("/api/v1/news/safety/domains/").status_code == 403
    assert api.post("/api/v1/news/safety/scan/", {"text": "x"}, format="json").status_code == 403
    assert term().is_active


def test_it_maintains_the_lists_through_the_api(admins):
    api = api_client_for(admins["security"])
    response = api.get("/api/v1/news/safety/terms/", {"tier": "review", "page_size": 100})
    assert response.status_code == 200 and {row["term"] for row in response.json()["results"]} >= {"时时彩", "百家乐"}
    created = api.post("/api/v1/news/safety/terms/", {"term": "豪华娱乐场", "tier": "review", "category": "gambling"}, format="json")
    assert created.status_code == 201 and created.json()["kind"] == "term"
    duplicate = api.post("/api/v1/news/safety/terms/", {"term": "豪華娛樂場"}, format="json")
    assert duplicate.status_code == 400 and "term" in duplicate.json()
    uuid = created.json()["uuid"]
    assert api.patch(f"/api/v1/news/safety/terms/{uuid}/", {"is_active": False}, format="json").json()["is_active"] is False
    assert api.delete(f"/api/v1/news/safety/terms/{uuid}/").status_code == 405
    phrase = api.post("/api/v1/news/safety/phrases/", {"phrase": "银河湾社区"}, format="json")
    assert phrase.status_code == 201
    assert api.delete(f"/api/v1/news/safety/phrases/{phrase.json()['uuid']}/").status_code == 204
    domain = api.post("/api/v1/news/safety/domains/", {"domain": "WWW.Example.org"}, format="json")
    assert domain.status_code == 201 and domain.json()["domain"] == "www.example.org"
    assert api.post("/api/v1/news/safety/domains/", {"domain": "nonsense"}, format="json").status_code == 400


def test_it_scans_through_the_api(admins):
    api = api_client_for(admins["alliance_admin"])
    text = "示例学院——77779193永利官网"
    body = api.post("/api/v1/news/safety/scan/", {"text": text}, format="json").json()
    assert body["verdict"] == "block"
    [finding] = body["findings"]
    assert text[finding["start"] : finding["end"]] == finding["excerpt"] == "77779193永利官网"
    assert finding["rule"] == "seo_number" and finding["tier"] == "block" and finding["reason"]
    hidden = "<p hidden>隐藏</p>"
    assert api.post("/api/v1/news/safety/scan/", {"text": hidden}, format="json").json()["verdict"] == "review"
    assert api.post("/api/v1/news/safety/scan/", {"text": hidden, "html": False}, format="json").json()["verdict"] == "ok"
    assert api.post("/api/v1/news/safety/scan/", {}, format="json").status_code == 400


def test_it_documents_the_api(admins):
    api = api_client_for(admins["security"])
    schema = api.get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/news/safety/terms/",
        "/api/v1/news/safety/terms/{uuid}/",
        "/api/v1/news/safety/phrases/",
        "/api/v1/news/safety/domains/",
        "/api/v1/news/safety/scan/",
    ):
        assert path in schema["paths"], path
    assert "delete" not in schema["paths"]["/api/v1/news/safety/terms/{uuid}/"]
    scan = schema["paths"]["/api/v1/news/safety/scan/"]["post"]
    assert "200" in scan["responses"]


# --- the command ------------------------------------------------------------------------------------


def run_scan_text(text, *args):
    out = io.StringIO()
    call_command("scan_text", *args, stdin=io.StringIO(text), stdout=out)
    return out.getvalue().splitlines()


def test_it_prints_one_verdict_per_line_in_order(seeded):
    lines = run_scan_text(
        '77779193永利官网\n示例学院党委\n\n<div style="display:none"><a href="http://x.cc">a</a></div>\n重庆时时彩\r\n永利路党群服务站\n'
    )
    assert [line.split("\t")[0] for line in lines] == ["block", "ok", "ok", "block", "review", "ok"]
    assert all(line.count("\t") == 1 for line in lines)
    assert "永利官网" in lines[0].split("\t")[1]
    assert lines[1] == "ok\t"
    assert "display:none" in lines[3] and "x.cc" in lines[3]


def test_it_scans_as_told(seeded):
    hidden = "<p hidden>隐藏</p>\n"
    assert run_scan_text(hidden)[0].startswith("review")
    assert run_scan_text(hidden, "--plain")[0].startswith("ok")
    assert run_scan_text("&lt;p hidden&gt;x\n", "--html")[0].startswith("ok")


def test_it_fails_on_request(seeded):
    with pytest.raises(CommandError) as raised:
        run_scan_text("示例\n重庆时时彩\n", "--fail-on", "review")
    assert raised.value.returncode == 1
    assert run_scan_text("示例\n重庆时时彩\n", "--fail-on", "block") == ["ok\t", run_scan_text("重庆时时彩\n")[0]]
