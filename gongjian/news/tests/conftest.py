"""Fixtures of the news tests: the seeded safety lists, a scanner built from them, and a newsroom."""

from importlib import import_module

import pytest
from django.apps import apps

from gongjian.lib.testing import make_member, make_user
from gongjian.orgs.models import Membership

from .article_helpers import REVIEW_TERM, Newsroom


@pytest.fixture
def seeded(db):
    """The default lists of migration 0001. Seeded again because transactional tests flush them."""
    import_module("gongjian.news.migrations.0001_safety_terms").seed(apps, None)


@pytest.fixture
def scanner(seeded):
    from gongjian.news.safety.detect import Scanner

    return Scanner.from_db()


@pytest.fixture
def newsroom(world, seeded):
    from gongjian.news.models import SafetyTerm

    SafetyTerm.objects.get_or_create(term=REVIEW_TERM, defaults={"kind": "term", "tier": "review", "category": "other"})
    branch_admin = make_member("branchadmin", "支部书记", world.own_branch, role=Membership.Role.ADMIN)
    security = make_user("newssec", admin_role="security")
    return Newsroom(world, world.member, branch_admin, world.org_admin, world.alliance_admin, security)
