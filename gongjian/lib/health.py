"""The health check that load balancers and monitors poll: is this host able to serve?

It answers without a login or a session, so a probe costs one round trip to the database and
writes nothing. A host whose database is unreachable answers 503, so a balancer in front of several
hosts stops sending it users until it recovers.
"""

import logging

from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache
@require_safe
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # The error's class only: a driver's message may quote connection settings.
        logger.warning("health check: the database did not answer (%s)", type(error).__name__)
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")
