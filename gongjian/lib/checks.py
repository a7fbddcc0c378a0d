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


@register(Tags.security, Tags.database, deploy=True)
def check_demo_logins(app_configs, databases=None, **kwargs):
    """Demo logins still opening with the published password (SECURITY.md item 5); needs ``--database``."""
    if not databases:
        return []
    from gongjian.accounts.models import User
    from gongjian.orgs.demo import DEMO_PASSWORD
    from gongjian.orgs.management.commands.load_demo import all_demo_logins

    names = [username for username, _purpose in all_demo_logins()]
    open_ones = [user.username for user in User.objects.filter(username__in=names, is_active=True) if user.check_password(DEMO_PASSWORD)]
    if not open_ones:
        return []
    return [
        Error(
            f"Demo logins open with the demo's published password: {', '.join(sorted(open_ones))}.",
            hint="This is a demo database, or load_demo ran on production: disable these accounts or set their passwords.",
            id="gongjian.E004",
        )
    ]
