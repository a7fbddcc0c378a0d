from django.urls import path

from . import views
from .choices import Track

app_name = "activities"

urlpatterns = [
    path("", views.ActivityListView.as_view(), name="list"),
    path("study/", views.ActivityListView.as_view(track=Track.STUDY), name="study"),
    path("build/", views.ActivityListView.as_view(track=Track.BUILD), name="build"),
    path("create/", views.ActivityListView.as_view(track=Track.CREATE), name="create_track"),
    path("calendar/", views.calendar, name="calendar"),
    path("mine/", views.my_activities, name="mine"),
    path("add/", views.ActivityEditView.as_view(), name="add"),
    path("people/<uuid:uuid>/", views.person_activities, name="person"),
    path("orgs/<uuid:uuid>/", views.organization_activities, name="organization"),
    path("orgs/<uuid:uuid>/timeline/", views.organization_timeline, name="organization_timeline"),
    path("series/", views.SeriesListView.as_view(), name="series_list"),
    path("series/add/", views.SeriesEditView.as_view(), name="series_add"),
    path("series/<uuid:uuid>/", views.SeriesDetailView.as_view(), name="series_detail"),
    path("series/<uuid:uuid>/edit/", views.SeriesEditView.as_view(), name="series_edit"),
    path("registrations/<uuid:uuid>/cancel/", views.registration_cancel, name="registration_cancel"),
    path("registrations/<uuid:uuid>/checkin/", views.check_in_registration, name="registration_checkin"),
    path("photos/<uuid:uuid>/", views.photo, name="photo"),
    path("photos/<uuid:uuid>/delete/", views.photo_delete, name="photo_delete"),
    path("ical/orgs/<uuid:uuid>/<str:token>.ics", views.ical_organization, name="ical_organization"),
    path("ical/people/<uuid:uuid>/<str:token>.ics", views.ical_person, name="ical_person"),
    path("<uuid:uuid>/", views.ActivityDetailView.as_view(), name="detail"),
    path("<uuid:uuid>/edit/", views.ActivityEditView.as_view(), name="edit"),
    path("<uuid:uuid>/archive/", views.ActivityArchiveView.as_view(), name="archive"),
    path("<uuid:uuid>/cancel/", views.activity_cancel, name="cancel"),
    path("<uuid:uuid>/minutes/", views.MinutesEditView.as_view(), name="minutes"),
    path("<uuid:uuid>/photos/", views.photo_upload, name="photo_upload"),
    path("<uuid:uuid>/register/", views.register, name="register"),
    path("<uuid:uuid>/register-group/", views.group_register, name="group_register"),
    path("<uuid:uuid>/registrations/", views.registrations, name="registrations"),
    path("<uuid:uuid>/attendance.xlsx", views.attendance_export, name="attendance_export"),
    path("<uuid:uuid>/no-shows/", views.mark_no_shows, name="no_shows"),
    path("<uuid:uuid>/qr/", views.qr_page, name="qr"),
    path("<uuid:uuid>/checkin/code/", views.check_in_code, name="checkin_code"),
    path("<uuid:uuid>/checkin/<str:token>/", views.check_in_page, name="checkin"),
]
