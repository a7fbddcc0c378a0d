import pytest
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import path

from gongjian.orgs.models import Region


def failing_write(request):
    with transaction.atomic():
        Region.objects.create(name="不应保存", level=1)
        raise DatabaseError("connection lost")


def interrupted_session(request):
    # What SessionMiddleware raises when the database fails while the session is saved.
    raise SessionInterrupted("The request's session was deleted before the request completed.")


urlpatterns = [path("boom/", failing_write), path("interrupted/", interrupted_session), path("api/interrupted/", interrupted_session)]
handler400 = "gongjian.lib.errors.bad_request"
handler500 = "gongjian.lib.errors.server_error"


@pytest.mark.urls("gongjian.lib.tests.test_error_pages")
def test_it_shows_a_clean_page_when_the_database_fails(db):
    Region.objects.create(name="已保存", level=1)
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "DatabaseError" not in body and "connection lost" not in body
    assert "<h1>500</h1>" in body
    assert list(Region.objects.values_list("name", flat=True)) == ["已保存"]


@pytest.mark.urls("gongjian.lib.tests.test_error_pages")
def test_it_answers_a_bad_request_in_chinese_without_the_database(db, django_assert_num_queries):
    client = Client(raise_request_exception=False)
    with django_assert_num_queries(0):
        response = client.get("/interrupted/")
    assert response.status_code == 400
    body = response.content.decode()
    assert "请求未能完成，请返回后重试。" in body and "Bad Request" not in body and "session" not in body
    response = client.get("/api/interrupted/")
    assert response.status_code == 400 and response.json() == {"detail": "请求未能完成，请返回后重试。"}


def test_it_answers_404_with_the_site_layout(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "404" in response.content.decode()
