from django.urls import path

from . import views
from .models import Need, Resource

app_name = "exchange"

urlpatterns = [
    path("needs/", views.NeedListView.as_view(), name="need_list"),
    path("needs/new/", views.NeedEditView.as_view(), name="need_create"),
    path("needs/<uuid:uuid>/", views.NeedDetailView.as_view(), name="need_detail"),
    path("needs/<uuid:uuid>/edit/", views.NeedEditView.as_view(), name="need_edit"),
    path("needs/<uuid:uuid>/archive/", views.NeedArchiveView.as_view(), name="need_archive"),
    path("needs/<uuid:uuid>/publish/", views.need_publish, name="need_publish"),
    path("needs/<uuid:uuid>/close/", views.need_close, name="need_close"),
    path("needs/<uuid:uuid>/fulfil/", views.need_fulfil, name="need_fulfil"),
    path("needs/<uuid:uuid>/feature/", views.need_feature, name="need_feature"),
    path("needs/<uuid:uuid>/claim/", views.listing_claim, {"model": Need}, name="need_claim"),
    path("needs/<uuid:uuid>/contact/", views.listing_contact, {"model": Need}, name="need_contact"),
    path("needs/<uuid:uuid>/feedback/", views.suggestion_feedback, {"model": Need}, name="need_feedback"),
    path("hall/", views.HallView.as_view(), name="hall"),
    path("resources/", views.ResourceListView.as_view(), name="resource_list"),
    path("resources/new/", views.ResourceEditView.as_view(), name="resource_create"),
    path("resources/<uuid:uuid>/", views.ResourceDetailView.as_view(), name="resource_detail"),
    path("resources/<uuid:uuid>/edit/", views.ResourceEditView.as_view(), name="resource_edit"),
    path("resources/<uuid:uuid>/archive/", views.ResourceArchiveView.as_view(), name="resource_archive"),
    path("resources/<uuid:uuid>/publish/", views.resource_publish, name="resource_publish"),
    path("resources/<uuid:uuid>/close/", views.resource_close, name="resource_close"),
    path("resources/<uuid:uuid>/request/", views.listing_claim, {"model": Resource}, name="resource_request"),
    path("resources/<uuid:uuid>/contact/", views.listing_contact, {"model": Resource}, name="resource_contact"),
    path("resources/<uuid:uuid>/feedback/", views.suggestion_feedback, {"model": Resource}, name="resource_feedback"),
    path("claims/", views.ClaimListView.as_view(), name="claim_list"),
    path("claims/<uuid:uuid>/", views.claim_detail, name="claim_detail"),
    path("claims/<uuid:uuid>/accept/", views.claim_accept, name="claim_accept"),
    path("claims/<uuid:uuid>/reject/", views.claim_reject, name="claim_reject"),
    path("claims/<uuid:uuid>/withdraw/", views.claim_withdraw, name="claim_withdraw"),
    path("releases/", views.ReleaseListView.as_view(), name="release_list"),
    path("releases/new/", views.release_create, name="release_create"),
    path("releases/<uuid:uuid>/", views.release_detail, name="release_detail"),
    path("categories/", views.category_list, name="category_list"),
    path("categories/new/", views.CategoryEditView.as_view(), name="category_create"),
    path("categories/<uuid:uuid>/edit/", views.CategoryEditView.as_view(), name="category_edit"),
    path("synonyms/", views.synonym_list, name="synonym_list"),
    path("synonyms/new/", views.SynonymGroupEditView.as_view(), name="synonym_create"),
    path("synonyms/<uuid:uuid>/edit/", views.SynonymGroupEditView.as_view(), name="synonym_edit"),
]
