"""lib.access beyond the basics: users without a scope, memberships ending later, people in two organizations,
a person's own record, a narrower queryset passed to get_object_for, and the generic list's page sizes."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from gongjian.lib.access import NOBODY, get_object_for, scope_for
from gongjian.lib.testing import make_user
from gongjian.orgs.models import Membership, Organization, Person, Region

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)


class TestScopeOfUnusualAccounts:
    def test_it_gives_anonymous_visitors_and_no_one_nothing(self, world):
        assert scope_for(AnonymousUser()) is NOBODY and scope_for(None) is NOBODY
        assert not NOBODY.belongs and not NOBODY.administers
        assert not Organization.objects.visible_to(AnonymousUser()).exists()
        assert not Region.objects.visible_to(AnonymousUser()).exists()

    def test_it_gives_an_account_without_a_person_nothing(self, world):
        stranger = make_user("stranger")
        assert scope_for(stranger) is NOBODY
        assert not Organization.objects.visible_to(stranger).exists() and not Person.objects.visible_to(stranger).exists()
        with pytest.raises(Http404):
            get_object_for(stranger, Organization, uuid=world.foreign_org.uuid)

    def test_it_gives_a_superuser_everything(self, world):
        root = make_user("root", is_superuser=True, is_staff=True)
        assert scope_for(root).everything
        assert get_object_for(root, Person, "change", uuid=world.outsider.person.uuid) == world.outsider.person

    def test_it_lets_every_signed_in_user_read_regions_but_only_the_alliance_change_them(self, world):
        assert Region.objects.visible_to(world.member).count() == 4
        assert not Region.objects.editable_by(world.org_admin).exists()
        assert Region.objects.editable_by(world.alliance_admin).count() == 4


class TestMemberships:
    def test_it_counts_a_membership_that_ends_later_as_current(self, world):
        membership = Membership.objects.get(person=world.member.person)
        membership.left_on = timezone.localdate() + datetime.timedelta(days=30)
        membership.save()
        assert scope_for(fresh(world.member)).can_view(world.own_branch.pk)
        membership.left_on = timezone.localdate()
        membership.save()
        assert not scope_for(fresh(world.member)).can_view(world.own_branch.pk)

    def test_it_lists_a_person_in_two_visible_organizations_once(self, world):
        Membership.objects.create(person=world.member.person, organization=world.own_org)
        people = list(Person.objects.visible_to(world.org_admin).filter(pk=world.member.person.pk))
        assert people == [world.member.person]

    def test_it_lets_a_person_whose_membership_ended_still_see_their_own_record(self, world):
        Membership.objects.filter(person=world.member.person).update(left_on=datetime.date(2020, 1, 1))
        member = fresh(world.member)
        assert list(Person.objects.visible_to(member)) == [member.person]
        assert get_object_for(member, Person, uuid=member.person.uuid) == member.person

    def test_it_shows_a_member_the_memberships_of_their_organization_only(self, world):
        visible = set(Membership.objects.visible_to(world.member).values_list("person__name", flat=True))
        assert visible == {"支部党员"}
        assert set(Membership.objects.editable_by(world.member)) == set()


class TestGetObjectFor:
    def test_it_answers_404_for_an_object_a_narrower_queryset_leaves_out(self, world):
        world.own_branch.archive()
        assert get_object_for(world.org_admin, Organization, uuid=world.own_branch.uuid) == world.own_branch
        with pytest.raises(Http404):
            get_object_for(world.org_admin, Organization, queryset=Organization.objects.active(), uuid=world.own_branch.uuid)

    def test_it_answers_403_only_to_those_who_can_see_the_object(self, world):
        with pytest.raises(PermissionDenied):
            get_object_for(world.member, Person, "change", uuid=world.member.person.uuid)
        with pytest.raises(Http404):
            get_object_for(world.member, Person, "change", uuid=world.outsider.person.uuid)

    def test_it_answers_404_for_an_id_of_the_wrong_type(self, world):
        with pytest.raises(Http404):
            get_object_for(world.alliance_admin, Organization, pk="not-a-number")


class TestListPageSizes:
    @pytest.mark.parametrize(("per_page", "rows"), [("50", 50), ("37", 20), ("1000", 20), ("x", 20)])
    def test_it_takes_only_the_offered_page_sizes(self, world, client_for, per_page, rows):
        Person.objects.bulk_create(Person(name=f"党员{n:02d}") for n in range(60))
        response = client_for(world.alliance_admin).get(reverse("orgs:person_list"), {"per_page": per_page})
        assert response.status_code == 200
        assert len(response.context["object_list"]) == rows
