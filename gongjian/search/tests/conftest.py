import pytest

from gongjian.orgs.models import Organization


@pytest.fixture
def gfl_branch(world):
    """A second organization on the street side whose initials also start with gfl (广富林)."""
    return Organization.objects.create(
        name="广富林社区党支部", sector="government", kind="branch", parent=world.foreign_org, region=world.street
    )
