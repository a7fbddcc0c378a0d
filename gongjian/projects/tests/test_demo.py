import pytest

from gongjian.audit.models import Record
from gongjian.projects import demo
from gongjian.projects.models import Milestone, Outcome, Project, Task, TaskEvent


@pytest.fixture
def demo_world(db, settings):
    from gongjian.agreements import demo as agreements_demo
    from gongjian.orgs import demo as orgs_demo

    orgs_demo.load()
    agreements_demo.load()


def test_it_builds_the_three_projects(demo_world):
    result = demo.load()
    booths = result["sampling_booths"]
    assert booths.lead.name == "示例学院党委" and booths.brand == "茸城e家"
    assert [org.name for org in booths.partners.all()] == ["广富林街道党工委"]
    tasks = list(booths.tasks.all())
    assert len(tasks) == 25
    assert len({task.location for task in tasks}) == 25
    assert all("路" in task.location for task in tasks)
    statuses = {status: sum(1 for t in tasks if t.status == status) for status in ("open", "claimed", "submitted", "returned", "accepted")}
    assert statuses == {"open": 12, "claimed": 4, "submitted": 2, "returned": 1, "accepted": 6}
    assert booths.progress() == 24
    assert Task.objects.get(project=booths, title="09号采样亭改造设计").review_comment

    culture = result["culture_ip"]
    assert culture.title == "泗美锋尚，古韵新生" and culture.lead.name == "泗泾镇党委"
    assert {org.name for org in culture.partners.all()} == {"示例学院党委", "学院智库团"}
    assert culture.progress() > 0

    station = result["service_station"]
    assert station.lead.name == "工业设计系教工党支部"
    assert [org.name for org in station.partners.all()] == ["场中居民区党总支"]
    assert station.agreement.title == "重构空间多维服务，激活社区治理新模式"
    assert all(p.is_public and p.status == "active" for p in (booths, culture, station))


def test_it_creates_nothing_the_second_time(demo_world):
    demo.load()
    counts = [model.objects.count() for model in (Project, Task, TaskEvent, Milestone, Outcome, Record)]
    demo.load()
    assert [model.objects.count() for model in (Project, Task, TaskEvent, Milestone, Outcome, Record)] == counts


def test_it_dates_the_history_in_2023(demo_world):
    booths = demo.load()["sampling_booths"]
    years = set(TaskEvent.objects.filter(task__project=booths).exclude(action="create").values_list("created_at__year", flat=True))
    assert years == {2023}
