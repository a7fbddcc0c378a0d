from django.urls import path

from . import pickers, views

app_name = "orgs"

urlpatterns = [
    path("", views.OrganizationListView.as_view(), name="organization_list"),
    path("tree/", views.OrganizationTreeView.as_view(), name="organization_tree"),
    path("pick/<slug:source>/", pickers.picker_options, name="picker"),
    path("new/", views.OrganizationEditView.as_view(), name="organization_create"),
    path("<uuid:uuid>/", views.OrganizationDetailView.as_view(), name="organization_detail"),
    path("<uuid:uuid>/edit/", views.OrganizationEditView.as_view(), name="organization_edit"),
    path("<uuid:uuid>/archive/", views.OrganizationArchiveView.as_view(), name="organization_archive"),
    path("<uuid:uuid>/restore/", views.organization_restore, name="organization_restore"),
    path("<uuid:uuid>/members/add/", views.MembershipCreateView.as_view(), name="membership_create"),
    path("memberships/<uuid:uuid>/edit/", views.MembershipEditView.as_view(), name="membership_edit"),
    path("memberships/<uuid:uuid>/end/", views.membership_end, name="membership_end"),
    path("regions/", views.RegionTreeView.as_view(), name="region_tree"),
    path("regions/new/", views.RegionEditView.as_view(), name="region_create"),
    path("regions/<uuid:uuid>/edit/", views.RegionEditView.as_view(), name="region_edit"),
    path("people/", views.PersonListView.as_view(), name="person_list"),
    path("people/new/", views.PersonEditView.as_view(), name="person_create"),
    path("people/<uuid:uuid>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("people/<uuid:uuid>/edit/", views.PersonEditView.as_view(), name="person_edit"),
    path("people/<uuid:uuid>/contact/", views.person_contact, name="person_contact"),
    path("people/<uuid:uuid>/archive/", views.PersonArchiveView.as_view(), name="person_archive"),
    path("speakers/", views.SpeakerListView.as_view(), name="speaker_list"),
]
