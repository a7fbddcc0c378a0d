"""The projects API: the same QuerySets, FilterSets and model verbs as the pages."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from gongjian.lib.access import get_object_for, scope_for
from gongjian.lib.api import ScopedViewSet, django_errors_to_drf
from gongjian.lib.effective import EffectiveSerializer

from .. import bulk
from ..choices import TaskStatus
from ..filters import ProjectFilterSet, TaskFilterSet
from ..models import Milestone, Outcome, Project, Task, TaskEvent
from .serializers import (
    ProjectMilestoneSerializer,
    ProjectOutcomeSerializer,
    ProjectProgressSerializer,
    ProjectSerializer,
    TaskAcceptSerializer,
    TaskBulkResultSerializer,
    TaskBulkSerializer,
    TaskClaimSerializer,
    TaskEventSerializer,
    TaskReviewSerializer,
    TaskSerializer,
    TaskSubmitSerializer,
)

UUID_REGEX = "[0-9a-fA-F-]{36}"


def _run(verb, *args, **kwargs):
    """Call a model verb; its ValidationError becomes a 400 with the message."""
    try:
        return verb(*args, **kwargs)
    except DjangoValidationError as e:
        raise django_errors_to_drf(e) from e


class ProjectViewSet(ScopedViewSet):
    """Projects the user's organizations lead or partner; the lead's admins change them."""

    queryset = Project.objects.select_related("lead").prefetch_related("partners", "needs", "resources").with_progress()
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilterSet
    lookup_value_regex = UUID_REGEX

    def filter_queryset(self, queryset):
        # Filters apply to lists only: the FilterSet hides archived projects, which must still be
        # fetched (and restored) by UUID, as on their page.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)

    def check_create(self, serializer):
        if not scope_for(self.request.user).can_edit(serializer.validated_data["lead"].pk):
            raise PermissionDenied

    def check_update(self, serializer):
        lead = serializer.validated_data.get("lead")
        if lead is not None and not scope_for(self.request.user).can_edit(lead.pk):
            raise PermissionDenied

    def perform_destroy(self, instance):
        _run(instance.archive, by=self.request.user)

    def _editable(self):
        obj = self.get_object()
        if not Project.objects.editable_by(self.request.user).filter(pk=obj.pk).exists():
            raise PermissionDenied
        return obj

    def _verb(self, name, **kwargs):
        obj = self._editable()
        _run(getattr(obj, name), by=self.request.user, **kwargs)
        return Response(self.get_serializer(self.get_queryset().get(pk=obj.pk)).data)

    def _dated_verb(self, name):
        """A step that may be dated after the fact: the body's effective_at goes to the model, which checks it."""
        body = EffectiveSerializer(data=self.request.data)
        body.is_valid(raise_exception=True)
        return self._verb(name, effective_at=body.validated_data.get("effective_at"))

    @extend_schema(request=EffectiveSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def activate(self, request, uuid=None):
        return self._dated_verb("activate")

    @extend_schema(request=EffectiveSerializer, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, uuid=None):
        return self._dated_verb("complete")

    @extend_schema(request=None, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, uuid=None):
        return self._verb("archive")

    @extend_schema(request=None, responses=ProjectSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, uuid=None):
        return self._verb("restore")

    @extend_schema(responses=ProjectProgressSerializer)
    @action(detail=True, methods=["get"])
    def progress(self, request, uuid=None):
        project = self.get_object()
        counts = dict(Task.objects.filter(project=project).order_by().values_list("status").annotate(n=Count("pk")))
        data = {
            "progress": project.progress(),
            "weight_total": project.weight_total,
            "weight_accepted": project.weight_accepted,
            "tasks": {status: counts.get(status, 0) for status in TaskStatus.values},
        }
        return Response(ProjectProgressSerializer(data).data)

    @extend_schema(
        request={"multipart/form-data": TaskBulkSerializer, "application/json": TaskBulkSerializer},
        responses={201: TaskBulkResultSerializer, 200: TaskBulkResultSerializer, 400: TaskBulkResultSerializer},
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="tasks/bulk",
        url_name="tasks-bulk",
        parser_classes=[JSONParser, MultiPartParser, FormParser],
    )
    def bulk_tasks(self, request, uuid=None):
        """Create many tasks at once: all of them, or none if any row has an error."""
        project = self._editable()
        body = TaskBulkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        if data.get("file"):
            batch = bulk.parse_sheet(data["file"])
        elif data.get("rows"):
            batch = bulk.parse_rows(data["rows"])
        else:
            batch = bulk.parse_text(data["text"])
        bulk.check_against(project, batch)
        result = {
            "valid": batch.is_valid,
            "created": 0,
            "rows": [row.as_data() | {"errors": row.errors} for row in batch.rows],
            "errors": batch.errors,
        }
        if not batch.is_valid:
            return Response(result, status=status.HTTP_400_BAD_REQUEST)
        if data["dry_run"]:
            return Response(result)
        try:
            tasks = bulk.create_tasks(project, batch, request.user)
        except DjangoValidationError as e:
            result.update(valid=False, errors=[*batch.errors, *e.messages])
            return Response(result, status=status.HTTP_400_BAD_REQUEST)
        result["created"] = len(tasks)
        return Response(result, status=status.HTTP_201_CREATED)


class ProjectPartViewSet(ScopedViewSet):
    """Milestones and outcomes: seen with their project, changed by its editors."""

    lookup_value_regex = UUID_REGEX

    def check_create(self, serializer):
        project = serializer.validated_data["project"]
        if not Project.objects.editable_by(self.request.user).filter(pk=project.pk).exists():
            raise PermissionDenied

    def check_update(self, serializer):
        project = serializer.validated_data.get("project")
        if project is not None and project.pk != serializer.instance.project_id:
            raise PermissionDenied


class MilestoneViewSet(ProjectPartViewSet):
    queryset = Milestone.objects.select_related("project")
    serializer_class = ProjectMilestoneSerializer
    filterset_fields = {"project__uuid": ["exact"]}

    def _toggle(self, done):
        milestone = self.get_object()
        if not Milestone.objects.editable_by(self.request.user).filter(pk=milestone.pk).exists():
            raise PermissionDenied
        milestone.mark_done() if done else milestone.reopen()
        return Response(self.get_serializer(milestone).data)

    @extend_schema(request=None, responses=ProjectMilestoneSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, uuid=None):
        return self._toggle(True)

    @extend_schema(request=None, responses=ProjectMilestoneSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, uuid=None):
        return self._toggle(False)


class OutcomeViewSet(ProjectPartViewSet):
    queryset = Outcome.objects.select_related("project")
    serializer_class = ProjectOutcomeSerializer
    filterset_fields = {"project__uuid": ["exact"], "kind": ["exact"]}
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def perform_destroy(self, instance):
        if instance.file:
            instance.file.delete(save=False)
        instance.delete()


class TaskViewSet(ScopedViewSet):
    """Tasks of visible projects; editors create and change them; teams and reviewers move them through their states."""

    queryset = Task.objects.select_related("project", "team_org", "claimed_by__person", "reviewer__person").prefetch_related(
        "team_people", "evidence_files"
    )
    serializer_class = TaskSerializer
    filterset_class = TaskFilterSet
    lookup_value_regex = UUID_REGEX

    def check_create(self, serializer):
        project = serializer.validated_data["project"]
        if not Project.objects.editable_by(self.request.user).filter(pk=project.pk).exists():
            raise PermissionDenied

    def _respond(self, task):
        return Response(self.get_serializer(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(request=TaskClaimSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def claim(self, request, uuid=None):
        task = self.get_object()
        body = TaskClaimSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        _run(task.claim, request.user, team_org=data.get("team_org"), team_people=data.get("team_people", []), effective_at=data.get("effective_at"))
        return self._respond(task)

    @extend_schema(
        request={"multipart/form-data": TaskSubmitSerializer, "application/json": TaskSubmitSerializer}, responses=TaskSerializer
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser, JSONParser])
    def submit(self, request, uuid=None):
        task = self.get_object()
        # A multipart body's files are part of request.data, as its fields are.
        body = TaskSubmitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        _run(task.submit, request.user, data["evidence"], files=data["files"], effective_at=data.get("effective_at"))
        return self._respond(task)

    @extend_schema(request=TaskAcceptSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, uuid=None):
        task = self.get_object()
        body = TaskAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _run(task.accept, request.user, body.validated_data["comment"], effective_at=body.validated_data.get("effective_at"))
        return self._respond(task)

    @extend_schema(request=TaskReviewSerializer, responses=TaskSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, uuid=None):
        task = self.get_object()
        body = TaskReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        _run(task.return_, request.user, body.validated_data["comment"])
        return self._respond(task)

    @extend_schema(request=None, responses=TaskSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, uuid=None):
        task = self.get_object()
        _run(task.release, request.user)
        return self._respond(task)

    @extend_schema(responses=TaskEventSerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None, pagination_class=None)
    def history(self, request, uuid=None):
        task = self.get_object()
        events = TaskEvent.objects.filter(task=task).select_related("actor__person")
        return Response(TaskEventSerializer(events, many=True).data)


__all__ = ["MilestoneViewSet", "OutcomeViewSet", "ProjectViewSet", "TaskViewSet", "get_object_for"]
