from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter(trailing_slash=True)
# Sub-resources first: "projects/tasks/" must not be read as a project's UUID.
router.register("projects/milestones", views.MilestoneViewSet, basename="projects-milestone")
router.register("projects/outcomes", views.OutcomeViewSet, basename="projects-outcome")
router.register("projects/tasks", views.TaskViewSet, basename="projects-task")
router.register("projects", views.ProjectViewSet, basename="projects-project")

urlpatterns = router.urls
