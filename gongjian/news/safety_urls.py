"""/news/safety/: the content-safety lists and the box to try a text."""

from django.urls import path

from .views import safety as views

urlpatterns = [
    path("", views.SafetyTermListView.as_view(), name="safety_term_list"),
    path("terms/new/", views.SafetyTermEditView.as_view(), name="safety_term_create"),
    path("terms/<uuid:uuid>/edit/", views.SafetyTermEditView.as_view(), name="safety_term_edit"),
    path("terms/<uuid:uuid>/deactivate/", views.term_set_active, {"active": False}, name="safety_term_deactivate"),
    path("terms/<uuid:uuid>/activate/", views.term_set_active, {"active": True}, name="safety_term_activate"),
    path("phrases/", views.AllowedPhraseListView.as_view(), name="safety_phrase_list"),
    path("phrases/new/", views.AllowedPhraseEditView.as_view(), name="safety_phrase_create"),
    path("phrases/<uuid:uuid>/edit/", views.AllowedPhraseEditView.as_view(), name="safety_phrase_edit"),
    path("phrases/<uuid:uuid>/delete/", views.phrase_delete, name="safety_phrase_delete"),
    path("domains/", views.AllowedDomainListView.as_view(), name="safety_domain_list"),
    path("domains/new/", views.AllowedDomainEditView.as_view(), name="safety_domain_create"),
    path("domains/<uuid:uuid>/edit/", views.AllowedDomainEditView.as_view(), name="safety_domain_edit"),
    path("domains/<uuid:uuid>/delete/", views.domain_delete, name="safety_domain_delete"),
    path("try/", views.try_text, name="safety_try"),
]
