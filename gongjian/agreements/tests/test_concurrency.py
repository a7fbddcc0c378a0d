"""Two people pressing the same lifecycle button at once: exactly one wins (PostgreSQL, real connections)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from gongjian.agreements.choices import AgreementStatus as S
from gongjian.agreements.models import Agreement, AgreementEvent

from .conftest import advance, make_agreement


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: SQLite serialises writers")
@pytest.mark.parametrize("verb", ["publish", "terminate"])
def test_it_moves_an_agreement_once_under_concurrent_requests(world, verb):
    agreement = advance(make_agreement(world), S.SIGNED)
    barrier = threading.Barrier(4)
    outcomes = []

    def press():
        try:
            mine = Agreement.objects.get(pk=agreement.pk)
            barrier.wait()
            if verb == "terminate":
                mine.terminate(world.org_admin, "并发")
            else:
                mine.publish(world.org_admin)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok", "refused", "refused", "refused"]
    assert AgreementEvent.objects.filter(agreement=agreement, from_status=S.SIGNED).count() == 1
