"""Production checks, run by ``manage.py check --deploy``."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def check_secrets(app_configs, **kwargs):
    errors = []
    if settings.SECRET_KEY.startswith(settings.INSECURE_KEY_PREFIX):
        errors.append(Error("SECRET_KEY is the development key.", hint="Set SECRET_KEY or SECRET_KEY_FILE.", id="gongjian.E001"))
    for name in ("FIELD_ENCRYPTION_KEY", "AUDIT_HMAC_KEY", "NEWS_SEAL_KEY"):
        if getattr(settings, name).startswith("insecure-dev-"):
            errors.append(Error(f"{name} is the development key.", hint=f"Set {name} or {name}_FILE.", id="gongjian.E002"))
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        errors.append(Error("Production runs on PostgreSQL.", hint="Set DATABASE_URL=postgresql://…", id="gongjian.E003"))
    return errors


@register(Tags.security, deploy=True)
def check_proxy(app_configs, **kwargs):
    # Behind nginx every request arrives from nginx's address: without TRUSTED_PROXIES the audit trail
    # records that address for everyone, and five failed logins by anyone lock every user out of it.
    if settings.SECURE_PROXY_SSL_HEADER and not settings.TRUSTED_PROXIES:
        return [
            Warning(
                "BEHIND_TLS_PROXY is on but TRUSTED_PROXIES is empty.",
                hint="Set TRUSTED_PROXIES to the proxy's address (127.0.0.1 for nginx on the same host).",
                id="gongjian.W001",
            )
        ]
    return []
