"""Production checks, run by ``manage.py check --deploy``."""

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_secrets(app_configs, **kwargs):
    errors = []
    if settings.SECRET_KEY.startswith(settings.INSECURE_KEY_PREFIX):
        errors.append(Error("SECRET_KEY is the development key.", hint="Set SECRET_KEY or SECRET_KEY_FILE.", id="gongjian.E001"))
    for name in ("FIELD_ENCRYPTION_KEY", "AUDIT_HMAC_KEY"):
        if getattr(settings, name).startswith("insecure-dev-"):
            errors.append(Error(f"{name} is the development key.", hint=f"Set {name} or {name}_FILE.", id="gongjian.E002"))
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        errors.append(Error("Production runs on PostgreSQL.", hint="Set DATABASE_URL=postgresql://…", id="gongjian.E003"))
    return errors
