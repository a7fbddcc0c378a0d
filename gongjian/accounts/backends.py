from django.contrib.auth.backends import ModelBackend


class CaseInsensitiveModelBackend(ModelBackend):
    """Login names match regardless of case; the manager does the lookup."""


def axes_username(request, credentials):
    # Lock "Zhang" and "zhang" as one account.
    username = (credentials or {}).get("username") or (request.POST.get("username") if request is not None else "")
    return (username or "").strip().lower()
