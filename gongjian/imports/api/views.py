from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from gongjian.lib.middleware import client_ip

from ..models import ImportJob
from ..sheets import can_import
from .serializers import ImportJobSerializer


class ImportJobViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Upload a spreadsheet (multipart: file, kind, dry_run), follow its progress, apply it.

    The same checks as the web preview: the answer lists each bad row's Excel row number and
    messages. Small files are checked (and, without dry_run, imported) before the answer (201);
    large ones run in the background (202) - poll the job until it is no longer busy.
    """

    serializer_class = ImportJobSerializer
    lookup_field = "uuid"
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    queryset = ImportJob.objects.none()

    def get_queryset(self):
        return ImportJob.objects.visible_to(self.request.user).select_related("created_by")

    def get_object(self):
        job = super().get_object()
        job.fail_if_worker_lost()
        return job

    def create(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        job = ImportJob.receive(request.user, data["kind"], data["file"], apply_when_valid=not data["dry_run"], ip=client_ip(request))
        job.schedule_validation()
        job.refresh_from_db()
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED if job.is_busy else status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request, uuid=None):
        job = self.get_object()
        if not job.schedule_apply(by=request.user):
            return Response({"detail": job.sheet_errors[0] if job.status == job.Status.FAILED and job.sheet_errors else _not_ready()}, status=status.HTTP_409_CONFLICT)
        job.refresh_from_db()
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED if job.is_busy else status.HTTP_200_OK)

    @extend_schema(request=None, responses=ImportJobSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, uuid=None):
        """Check a failed job's kept file again from the start (for a job whose worker stopped)."""
        job = self.get_object()
        if not job.retry():
            return Response({"detail": _not_retryable()}, status=status.HTTP_409_CONFLICT)
        job.refresh_from_db()
        return Response(self.get_serializer(job).data, status=status.HTTP_202_ACCEPTED if job.is_busy else status.HTTP_200_OK)


def _not_ready():
    from django.utils.translation import gettext as _

    return _("This import is not ready to be confirmed.")


def _not_retryable():
    from django.utils.translation import gettext as _

    return _("This import cannot be tried again; upload the file again.")
