from django.urls import path

from .views import agreements as a
from .views import network as n

app_name = "agreements"

urlpatterns = [
    path("", a.AgreementListView.as_view(), name="agreement_list"),
    path("new/", a.AgreementEditView.as_view(), name="agreement_create"),
    path("public/<uuid:uuid>/", a.agreement_public, name="agreement_public"),
    path("<uuid:uuid>/", a.AgreementDetailView.as_view(), name="agreement_detail"),
    path("<uuid:uuid>/edit/", a.AgreementEditView.as_view(), name="agreement_edit"),
    path("<uuid:uuid>/archive/", a.AgreementArchiveView.as_view(), name="agreement_archive"),
    path("<uuid:uuid>/do/<slug:name>/", a.agreement_transition, name="agreement_transition"),
    path("<uuid:uuid>/parties/", a.party_add, name="party_add"),
    path("<uuid:uuid>/parties/<uuid:party>/remove/", a.party_remove, name="party_remove"),
    path("<uuid:uuid>/parties/<uuid:party>/obligations/", a.obligation_add, name="obligation_add"),
    path("<uuid:uuid>/obligations/<uuid:obligation>/remove/", a.obligation_remove, name="obligation_remove"),
    path("<uuid:uuid>/parties/<uuid:party>/ratings/", a.rate, name="rate"),
    path("<uuid:uuid>/evidence/", a.evidence_add, name="evidence_add"),
    path("<uuid:uuid>/evidence/<uuid:evidence>/remove/", a.evidence_remove, name="evidence_remove"),
    path("<uuid:uuid>/attachments/", a.attachment_upload, name="attachment_upload"),
    path("attachments/<uuid:uuid>/", a.attachment_download, name="attachment_download"),
    path("attachments/<uuid:uuid>/delete/", a.attachment_delete, name="attachment_delete"),
    path("pairings/", n.PairingListView.as_view(), name="pairing_list"),
    path("pairings/new/", n.PairingEditView.as_view(), name="pairing_create"),
    path("pairings/<uuid:uuid>/", n.PairingDetailView.as_view(), name="pairing_detail"),
    path("pairings/<uuid:uuid>/edit/", n.PairingEditView.as_view(), name="pairing_edit"),
    path("pairings/<uuid:uuid>/archive/", n.PairingArchiveView.as_view(), name="pairing_archive"),
    path("alliances/", n.AllianceListView.as_view(), name="alliance_list"),
    path("alliances/new/", n.AllianceEditView.as_view(), name="alliance_create"),
    path("alliances/<uuid:uuid>/", n.AllianceDetailView.as_view(), name="alliance_detail"),
    path("alliances/<uuid:uuid>/edit/", n.AllianceEditView.as_view(), name="alliance_edit"),
    path("alliances/<uuid:uuid>/archive/", n.AllianceArchiveView.as_view(), name="alliance_archive"),
    path("bases/", n.PracticeBaseListView.as_view(), name="base_list"),
    path("bases/new/", n.PracticeBaseEditView.as_view(), name="base_create"),
    path("bases/<uuid:uuid>/", n.PracticeBaseDetailView.as_view(), name="base_detail"),
    path("bases/<uuid:uuid>/edit/", n.PracticeBaseEditView.as_view(), name="base_edit"),
    path("bases/<uuid:uuid>/archive/", n.PracticeBaseArchiveView.as_view(), name="base_archive"),
    path("honours/", n.HonorListView.as_view(), name="honor_list"),
    path("honours/new/", n.HonorEditView.as_view(), name="honor_create"),
    path("honours/<uuid:uuid>/", n.HonorDetailView.as_view(), name="honor_detail"),
    path("honours/<uuid:uuid>/edit/", n.HonorEditView.as_view(), name="honor_edit"),
    path("honours/<uuid:uuid>/archive/", n.HonorArchiveView.as_view(), name="honor_archive"),
    path("honours/<uuid:uuid>/evidence/", n.honor_evidence, name="honor_evidence"),
]
