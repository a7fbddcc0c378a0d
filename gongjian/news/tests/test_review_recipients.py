"""Who hears of an article in review: the admins of each stage's organization, or of its nearest administered ancestor."""

import datetime

from django.utils import timezone

from gongjian.lib.testing import make_member, make_user
from gongjian.news.article_notices import security_admins, stage_reviewers
from gongjian.news.choices import Stage
from gongjian.orgs.models import Membership, Organization

from .article_helpers import make_article

ADMIN = Membership.Role.ADMIN


def group(newsroom):
    """A 党小组 under the branch, with no admin of its own."""
    return Organization.objects.create(name="工业设计系第一党小组", sector="school", kind="other", parent=newsroom.world.own_branch)


def test_it_sends_a_branch_articles_stages_up_the_tree(newsroom):
    article = make_article(newsroom)
    assert stage_reviewers(article, Stage.FIRST) == [newsroom.first]
    assert stage_reviewers(article, Stage.SECOND) == [newsroom.second]
    assert set(stage_reviewers(article, Stage.FINAL)) == {newsroom.second, newsroom.final}


def test_it_falls_back_to_the_nearest_administered_ancestor(newsroom):
    article = make_article(newsroom, organization=group(newsroom))
    # 初审 belongs to the group, which has no admin: the branch's admin reviews it.
    assert stage_reviewers(article, Stage.FIRST) == [newsroom.first]
    # 复审 belongs to the branch, one level up.
    assert stage_reviewers(article, Stage.SECOND) == [newsroom.first]


def test_it_never_goes_down_the_tree_for_an_ancestors_stage(newsroom):
    article = make_article(newsroom, organization=newsroom.world.own_org, author=newsroom.world.alliance_admin)
    # A root article: every stage is the root's; the branch admin below is never asked.
    assert stage_reviewers(article, Stage.FIRST) == [newsroom.second]
    assert stage_reviewers(article, Stage.SECOND) == [newsroom.second]
    assert newsroom.first not in stage_reviewers(article, Stage.FINAL)


def test_it_leaves_the_author_out_even_as_an_admin_of_the_stage(newsroom):
    article = make_article(newsroom, organization=newsroom.world.own_org, author=newsroom.second)
    assert stage_reviewers(article, Stage.FIRST) == []
    assert stage_reviewers(article, Stage.FINAL) == [newsroom.final]


def test_it_names_an_alliance_admin_who_also_administers_the_root_once(newsroom):
    Membership.objects.filter(person=newsroom.final.person).update(role=ADMIN)
    article = make_article(newsroom)
    reviewers = stage_reviewers(article, Stage.FINAL)
    assert sorted(user.pk for user in reviewers) == sorted({newsroom.second.pk, newsroom.final.pk})


def test_it_skips_admins_who_left_or_whose_account_is_disabled(newsroom):
    world = newsroom.world
    left = make_member("leftadmin", "已离任书记", world.own_branch, role=ADMIN)
    Membership.objects.filter(person=left.person).update(left_on=timezone.localdate() - datetime.timedelta(days=1))
    leaving = make_member("leavingadmin", "下月离任书记", world.own_branch, role=ADMIN)
    Membership.objects.filter(person=leaving.person).update(left_on=timezone.localdate() + datetime.timedelta(days=30))
    disabled = make_member("disabledadmin", "停用书记", world.own_branch, role=ADMIN, is_active=False)

    reviewers = stage_reviewers(make_article(newsroom), Stage.FIRST)

    assert set(reviewers) == {newsroom.first, leaving}
    assert left not in reviewers and disabled not in reviewers


def test_it_goes_up_when_every_admin_of_the_stage_has_left(newsroom):
    Membership.objects.filter(person=newsroom.first.person).update(left_on=timezone.localdate())
    assert stage_reviewers(make_article(newsroom), Stage.FIRST) == [newsroom.second]


def test_it_tells_only_active_security_admins(newsroom):
    make_user("oldsec", admin_role="security", is_active=False)
    make_user("sysadmin", admin_role="system")
    assert security_admins() == [newsroom.security]
