"""lib.middleware: the client's address behind proxies, the request the audit trail reads, no-store and the CSP."""

import pytest
from django.http import HttpResponse
from django.urls import reverse

from gongjian.audit.models import Record
from gongjian.lib.middleware import (
    ContentSecurityPolicyMiddleware,
    CurrentRequestMiddleware,
    axes_client_ip,
    client_ip,
    current_request,
    mark_no_store,
)


class TestClientIp:
    def test_it_ignores_forwarded_for_without_trusted_proxies(self, rf, settings):
        settings.TRUSTED_PROXIES = []
        request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
        assert client_ip(request) == "10.0.0.1"

    def test_it_skips_every_trusted_hop_from_the_right(self, rf, settings):
        settings.TRUSTED_PROXIES = ["10.0.0.1", "10.0.0.2"]
        request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7 , 10.0.0.2")
        assert client_ip(request) == "198.51.100.7"

    @pytest.mark.parametrize("forwarded", ["", " , ", "10.0.0.2", "10.0.0.2, 10.0.0.1"])
    def test_it_falls_back_to_the_peer_when_no_hop_is_untrusted(self, rf, settings, forwarded):
        settings.TRUSTED_PROXIES = ["10.0.0.1", "10.0.0.2"]
        assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)) == "10.0.0.1"

    def test_it_answers_none_without_a_request_and_the_same_for_axes(self, rf, settings):
        settings.TRUSTED_PROXIES = ["10.0.0.1"]
        assert client_ip(None) is None and axes_client_ip(None) is None
        request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert axes_client_ip(request) == client_ip(request) == "198.51.100.7"

    @pytest.mark.django_db
    def test_it_records_the_forwarded_address_of_a_write_in_the_audit_trail(self, world, client_for, settings):
        settings.TRUSTED_PROXIES = ["10.0.0.1"]
        client = client_for(world.org_admin)
        client.post(
            reverse("orgs:organization_archive", args=[world.own_branch.uuid]),
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7",
        )
        entry = Record.objects.filter(object_type="orgs.organization", object_id=str(world.own_branch.pk)).latest("pk")
        assert entry.ip == "198.51.100.7"


class TestCurrentRequest:
    def test_it_holds_the_request_while_it_is_served_and_forgets_it_after(self, rf):
        seen = []
        middleware = CurrentRequestMiddleware(lambda request: seen.append(current_request.get()) or HttpResponse())
        request = rf.get("/")
        middleware(request)
        assert seen == [request] and current_request.get() is None

    def test_it_forgets_the_request_when_the_view_fails(self, rf):
        def fail(request):
            raise RuntimeError("boom")

        with pytest.raises(RuntimeError):
            CurrentRequestMiddleware(fail)(rf.get("/"))
        assert current_request.get() is None


class TestHeaders:
    def test_it_forbids_caching_a_page_marked_personal_over_its_own_header(self, rf):
        def personal(request):
            mark_no_store(request)
            response = HttpResponse()
            response["Cache-Control"] = "max-age=600"
            return response

        assert ContentSecurityPolicyMiddleware(personal)(rf.get("/"))["Cache-Control"] == "no-store"

    def test_it_leaves_the_caching_of_other_pages_alone(self, rf):
        def plain(request):
            response = HttpResponse()
            response["Cache-Control"] = "max-age=600"
            return response

        assert ContentSecurityPolicyMiddleware(plain)(rf.get("/"))["Cache-Control"] == "max-age=600"

    def test_it_keeps_a_policy_the_view_set_itself(self, rf):
        def own_policy(request):
            response = HttpResponse()
            response["Content-Security-Policy"] = "default-src 'none'"
            return response

        assert ContentSecurityPolicyMiddleware(own_policy)(rf.get("/"))["Content-Security-Policy"] == "default-src 'none'"

    def test_it_names_the_requests_own_nonce_in_the_policy(self, rf):
        request = rf.get("/")
        response = ContentSecurityPolicyMiddleware(lambda r: HttpResponse())(request)
        assert f"'nonce-{request.csp_nonce}'" in response["Content-Security-Policy"]
        assert len(request.csp_nonce) >= 16
