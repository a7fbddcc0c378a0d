from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="list"),
    path("new/", views.ProjectEditView.as_view(), name="create"),
    path("showcase/", views.showcase_list, name="showcase_list"),
    path("showcase/<uuid:uuid>/", views.showcase_detail, name="showcase"),
    path("tasks/", views.task_board, name="task_board"),
    path("tasks/import-template.xlsx", views.task_import_template, name="task_import_template"),
    path("tasks/<uuid:uuid>/", views.task_detail, name="task_detail"),
    path("tasks/<uuid:uuid>/edit/", views.TaskEditView.as_view(), name="task_edit"),
    path("tasks/<uuid:uuid>/delete/", views.task_delete, name="task_delete"),
    path("tasks/<uuid:uuid>/<slug:action>/", views.task_action, name="task_action"),
    path("evidence/<uuid:uuid>/", views.evidence_file, name="evidence_file"),
    path("milestones/<uuid:uuid>/edit/", views.MilestoneEditView.as_view(), name="milestone_edit"),
    path("milestones/<uuid:uuid>/toggle/", views.milestone_toggle, name="milestone_toggle"),
    path("milestones/<uuid:uuid>/delete/", views.milestone_delete, name="milestone_delete"),
    path("outcomes/<uuid:uuid>/edit/", views.OutcomeEditView.as_view(), name="outcome_edit"),
    path("outcomes/<uuid:uuid>/delete/", views.outcome_delete, name="outcome_delete"),
    path("outcomes/<uuid:uuid>/file/", views.outcome_file, name="outcome_file"),
    path("<uuid:uuid>/", views.ProjectDetailView.as_view(), name="detail"),
    path("<uuid:uuid>/edit/", views.ProjectEditView.as_view(), name="edit"),
    path("<uuid:uuid>/board/", views.board, name="board"),
    path("<uuid:project>/tasks/new/", views.TaskEditView.as_view(), name="task_create"),
    path("<uuid:uuid>/tasks/import/", views.task_import, name="task_import"),
    path("<uuid:project>/milestones/new/", views.MilestoneEditView.as_view(), name="milestone_create"),
    path("<uuid:project>/outcomes/new/", views.OutcomeEditView.as_view(), name="outcome_create"),
    path("<uuid:uuid>/<slug:verb>/", views.project_transition, name="transition"),
]
