import pytest

from gongjian.lib.testing import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_it_logs_in_a_member(page, live_server, login):
    from gongjian.lib.testing import build_world

    build_world()
    login("member", PASSWORD)
    page.wait_for_url(f"{live_server.url}/")
    assert "支部党员" in page.content()
