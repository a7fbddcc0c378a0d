import contextvars
import logging
import secrets

from django.conf import settings

from .errors import storage_full
from .uploads import is_disk_full, whole_files

logger = logging.getLogger(__name__)

# The request being served, so model signals (the audit trail) know the actor
# and source address without every call site passing them down.
current_request: contextvars.ContextVar = contextvars.ContextVar("current_request", default=None)


def client_ip(request) -> str | None:
    """The client's address. X-Forwarded-For is read only when the direct peer is a
    configured TRUSTED_PROXIES address, otherwise anyone could forge their IP in the audit trail."""
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR")
    trusted = settings.TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if remote in trusted and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        for hop in reversed(hops):
            if hop not in trusted:
                return hop
    return remote


def axes_client_ip(request) -> str | None:
    return client_ip(request)


class CurrentRequestMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


class ContentSecurityPolicyMiddleware:
    """A nonce-based CSP on every response (SECURITY.md item 12).

    Templates put ``nonce="{{ request.csp_nonce }}"`` on inline scripts; any
    injected script without it is refused by the browser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            policy = (
                "default-src 'self'; "
                f"script-src 'self' 'nonce-{request.csp_nonce}'; "
                "style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data: blob:; font-src 'self' data:; "
                "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
            )
            response["Content-Security-Policy"] = policy
        if getattr(request, "no_store", False):
            response["Cache-Control"] = "no-store"
        return response


class StoredFilesMiddleware:
    """Uploads are stored whole or not at all, and a full disk is a clear message instead of a 500.

    Files written by work whose transaction rolled back are removed at the end of the request
    (gongjian.lib.uploads.whole_files); a write that fails on a full disk has removed its own part.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with whole_files():
            return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_disk_full(exception):
            return None
        logger.error("upload refused: the disk holding the uploads is full (%s)", exception.strerror)
        return storage_full(request)


def mark_no_store(request):
    """Pages with personal data must not be cached (SECURITY.md item 16)."""
    request.no_store = True


__all__ = ["client_ip", "current_request", "mark_no_store", "settings"]
