"""Partners' names on agreements, claims and projects open the organization's public profile."""

import datetime

import pytest
from django.urls import reverse

from gongjian.agreements.models import Agreement, AgreementParty, Obligation
from gongjian.exchange.models import Category, Need
from gongjian.projects.models import Project, Task

pytestmark = pytest.mark.django_db


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_it_links_the_parties_of_an_agreement(world, client_for):
    agreement = Agreement.objects.create(title="街校共建协议", track="build", drafted_on=datetime.date(2025, 1, 1))
    for order, org in enumerate((world.own_org, world.foreign_org)):
        party = AgreementParty.objects.create(agreement=agreement, organization=org, order=order)
        Obligation.objects.create(party=party, description="提供场地")
    html = html_of(client_for(world.org_admin), agreement.get_absolute_url())
    assert f'href="{world.foreign_org.get_absolute_url()}"' in html
    # The partner's profile opens for the party that followed the link.
    assert client_for(world.org_admin).get(world.foreign_org.get_absolute_url()).status_code == 200


def test_it_links_claimants_partners_and_owners(world, client_for):
    category = Category.objects.get_or_create(name="设计规划", defaults={"order": 30})[0]
    need = Need.objects.create(organization=world.foreign_org, title="采样亭改造设计", category=category)
    need.publish()
    partner = world.own_branch
    claim = need.claim(world.own_org, by=world.org_admin, partners=[partner])
    owner = client_for(world.outsider)
    detail = html_of(owner, claim.get_absolute_url())
    for org in (world.own_org, partner, world.foreign_org):
        assert f'href="{org.get_absolute_url()}"' in detail
    claims_tab = html_of(owner, need.get_absolute_url() + "?tab=claims")
    assert f'href="{world.own_org.get_absolute_url()}"' in claims_tab and f'href="{partner.get_absolute_url()}"' in claims_tab
    overview = html_of(client_for(world.member), need.get_absolute_url())
    assert f'href="{world.foreign_org.get_absolute_url()}"' in overview


def test_it_links_a_project_s_partners_and_a_task_s_team(world, client_for):
    project = Project.objects.create(title="茸城e家", lead=world.own_org)
    project.partners.add(world.foreign_org)
    project.activate()
    task = Task.objects.create(project=project, title="采样亭01改造设计")
    task.claim(world.org_admin, team_org=world.own_branch)
    client = client_for(world.org_admin)
    assert f'href="{world.foreign_org.get_absolute_url()}"' in html_of(client, project.get_absolute_url())
    assert f'href="{world.own_branch.get_absolute_url()}"' in html_of(client, reverse("projects:task_detail", args=[task.uuid]))
