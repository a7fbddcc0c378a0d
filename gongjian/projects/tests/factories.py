"""Factories for data that varies between tests; the four users come from the shared world."""

import factory

from gongjian.projects.models import Project, Task


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"共建项目{n}")
    brand = "茸城e家"
    goals = "完成党群阵地升级"


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"采样亭{n:02d}改造设计")
    location = factory.Sequence(lambda n: f"广富林路{100 + n}号")
    weight = 1
    order = factory.Sequence(lambda n: n)


def active_project(lead, partners=(), **extra):
    project = ProjectFactory(lead=lead, **extra)
    if partners:
        project.partners.set(partners)
    project.activate()
    return project
