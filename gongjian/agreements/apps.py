from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gongjian.lib.navigation import MenuItem


class AgreementsConfig(AppConfig):
    name = "gongjian.agreements"
    label = "agreements"
    verbose_name = _("Agreements and bases")

    menu = [
        MenuItem("build", _("Co-building agreements"), "agreements:agreement_list", order=20),
        MenuItem("build", _("Pairings"), "agreements:pairing_list", order=21),
        MenuItem("build", _("Alliances and micro-alliances"), "agreements:alliance_list", order=22),
        MenuItem("build", _("Practice bases"), "agreements:base_list", order=23),
        MenuItem("build", _("Honours and appointments"), "agreements:honor_list", order=24),
    ]

    def ready(self):
        from . import signals  # noqa: F401  (importing connects the handlers)

    def org_timeline(self, organization, user):
        """Agreements, pairings, alliances, bases and honours of one organization: five queries whatever the count."""
        from django.db.models import Q

        from gongjian.activities.choices import Track

        from .models import Agreement, Alliance, Honor, HonorRecipient, Pairing, PracticeBase

        def entry(date, kind, label, title, url, track=""):
            return {"date": date, "kind": kind, "title": f"{label}：{title}", "url": url, "track": track}

        entries = []
        agreements = (
            Agreement.objects.visible_to(user)
            .active()
            .of_organization(organization)
            .only("uuid", "title", "track", "status", "start_date", "signed_on", "drafted_on")
        )
        for a in agreements:
            date = a.signed_on or a.start_date or a.drafted_on
            entries.append(
                entry(
                    date, "agreement", _("Co-building agreement"), f"{a.title}（{a.get_status_display()}）", a.get_absolute_url(), a.track
                )
            )
        pairings = Pairing.objects.visible_to(user).active().involving(organization).select_related("org_a", "org_b")
        for p in pairings:
            other = p.org_b if p.org_a_id == organization.pk else p.org_a
            title = f"{other.name}" + (f"（{p.theme}）" if p.theme else "")
            entries.append(entry(p.start_date or p.created_at, "pairing", _("Pairing"), title, p.get_absolute_url(), p.track))
        for a in (
            Alliance.objects.visible_to(user)
            .active()
            .involving(organization)
            .only("uuid", "name", "kind", "track", "founded_on", "created_at")
        ):
            entries.append(entry(a.founded_on or a.created_at, "alliance", a.get_kind_display(), a.name, a.get_absolute_url(), a.track))
        for b in (
            PracticeBase.objects.visible_to(user)
            .active()
            .involving(organization)
            .only("uuid", "name", "kind", "established_on", "created_at")
        ):
            entries.append(entry(b.established_on or b.created_at, "base", _("Practice base"), b.name, b.get_absolute_url(), Track.BUILD))
        # Honours the organization received or issued (an appointment shows on both sides).
        honors = (
            Honor.objects.visible_to(user)
            .active()
            .filter(Q(issuer=organization) | Q(pk__in=HonorRecipient.objects.filter(organization=organization).values("honor_id")))
        )
        for h in honors.only("uuid", "title", "kind", "awarded_on"):
            entries.append(entry(h.awarded_on, "honor", h.get_kind_display(), h.title, h.get_absolute_url()))
        return entries
