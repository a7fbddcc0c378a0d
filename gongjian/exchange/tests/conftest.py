import datetime
from contextlib import contextmanager

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongjian.exchange.models import Category, Need, Resource
from gongjian.lib.testing import make_member
from gongjian.orgs.models import Membership, Organization


@pytest.fixture
def fresh_indexes():
    """Matching indexes are per process: a test that suggests starts and ends without one."""
    from gongjian.exchange.matching import store

    store.forget()
    yield
    store.forget()


@pytest.fixture
def volunteering(db):
    return Category.objects.get_or_create(name="志愿服务", defaults={"order": 50})[0]


@pytest.fixture
def make_need(world, design):
    def _make(title="25 个采样亭个性化改造设计", organization=None, publish=False, **fields):
        fields.setdefault("category", design)
        fields.setdefault("region", world.street)
        need = Need.objects.create(organization=organization or world.foreign_org, title=title, **fields)
        if publish:
            need.publish()
        return need

    return _make


@pytest.fixture
def make_resource(world, design):
    def _make(title="20 名学生设计师", organization=None, publish=False, **fields):
        fields.setdefault("category", design)
        fields.setdefault("capacity", 20)
        fields.setdefault("capacity_unit", "名学生设计师")
        resource = Resource.objects.create(organization=organization or world.own_org, title=title, **fields)
        if publish:
            resource.publish()
        return resource

    return _make


@pytest.fixture
def enterprise(world):
    """A third organization with its own admin, for joint claims and competing claims."""
    org = Organization.objects.create(name="上海精密机械有限公司党支部", sector="enterprise", kind="branch", region=world.district)
    admin = make_member("enterprise_admin", "企业管理员", org, role=Membership.Role.ADMIN)
    return org, admin


@pytest.fixture
def pair():
    def _pair(a, b, **fields):
        from django.apps import apps

        Pairing = apps.get_model("agreements", "Pairing")
        return Pairing.objects.create(org_a=a, org_b=b, **fields)

    return _pair


def days(n):
    return timezone.localdate() + datetime.timedelta(days=n)


@contextmanager
def refused(*codes):
    """The block raises a ValidationError with one of ``codes`` (messages are translated, codes are not)."""
    with pytest.raises(ValidationError) as info:
        yield info
    error = info.value
    found = {e.code for e in error.error_list} if hasattr(error, "error_list") else {e.code for es in error.error_dict.values() for e in es}
    assert found & set(codes), f"expected {codes}, got {found}: {error.messages}"
