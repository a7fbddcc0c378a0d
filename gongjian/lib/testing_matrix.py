"""Permission matrices: who gets which answer from which page or endpoint, written as a table.

A matrix names its *probes* (one request each: a page, a form, an API call),
its *targets* (objects from the shared test world) and the expected answer for
every role × target × probe::

    MATRIX = PermissionMatrix(
        probes={
            "detail": Probe("get", lambda obj: obj.get_absolute_url()),
            "archive": Probe("post", lambda obj: reverse("orgs:organization_archive", args=[obj.uuid])),
            "api_get": Probe("get", lambda obj: f"/api/v1/orgs/organizations/{obj.uuid}/", api=True),
        },
        targets={"own": lambda world: world.own_branch, "foreign": lambda world: world.foreign_org},
        table='''
            role            target  detail  archive  api_get
            anonymous       own     302     302      401
            alliance_admin  own     200     302      200
            ...
        ''',
    )

    def test_it_enforces_the_permission_matrix(world, client_for, api_for):
        MATRIX.assert_all(world, client_for, api_for)

Expected answers are status codes; ``200+`` also requires the target's UUID
in the body (it is listed), ``200-`` requires it to be absent (filtered out
of a list). Each cell runs in its own rolled-back transaction, so probes that
archive or delete do not disturb the next cell, and the world is built once.
Every mismatch is reported together, as a list of cells.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.test import Client

ROLES = ("anonymous", "alliance_admin", "org_admin", "member", "outsider")


@dataclass(frozen=True)
class Probe:
    """One request. ``url`` and ``data`` take the target object; ``api`` selects the token client."""

    method: str
    url: Callable[[Any], str]
    api: bool = False
    data: Callable[[Any], dict] | dict | None = None


@dataclass(frozen=True)
class Cell:
    role: str
    target: str
    probe: str
    expected: str

    def __str__(self):
        return f"{self.role}/{self.target}/{self.probe}"


@dataclass
class PermissionMatrix:
    probes: dict[str, Probe]
    targets: dict[str, Callable[[Any], Any]]
    table: str
    roles: tuple[str, ...] = ROLES
    _cells: list[Cell] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self):
        self._cells = self._parse(self.table)

    def _parse(self, table: str) -> list[Cell]:
        lines = [line.split() for line in table.strip().splitlines() if line.strip() and not line.strip().startswith("#")]
        header, rows = lines[0], lines[1:]
        if header[:2] != ["role", "target"]:
            raise ValueError("The first row must start with: role target")
        probe_names = header[2:]
        unknown = set(probe_names) - set(self.probes)
        if unknown:
            raise ValueError(f"Table names probes that are not defined: {sorted(unknown)}")
        cells = []
        for row in rows:
            role, target, *answers = row
            if role not in self.roles or target not in self.targets:
                raise ValueError(f"Unknown role or target in row: {row}")
            if len(answers) != len(probe_names):
                raise ValueError(f"Row has {len(answers)} answers for {len(probe_names)} probes: {row}")
            cells.extend(Cell(role, target, probe, answer) for probe, answer in zip(probe_names, answers, strict=True))
        covered = {(c.role, c.target) for c in cells}
        missing = [(r, t) for r in self.roles for t in self.targets if (r, t) not in covered]
        if missing:
            # A matrix that forgets a role or an object is a hole, not a shortcut.
            raise ValueError(f"Table misses rows for: {missing}")
        return cells

    def cells(self) -> list[Cell]:
        return list(self._cells)

    def _client(self, role, world, client_for, api_for, api: bool):
        if role == "anonymous":
            if api:
                from rest_framework.test import APIClient

                return APIClient()
            return Client()
        user = world.users[role]
        return api_for(user) if api else client_for(user)

    def check_cell(self, cell: Cell, world, client_for, api_for) -> str | None:
        """Run one cell in a rolled-back transaction; return a description of the mismatch, or None."""
        probe = self.probes[cell.probe]
        with transaction.atomic():
            target = self.targets[cell.target](world)
            client = self._client(cell.role, world, client_for, api_for, probe.api)
            data = probe.data(target) if callable(probe.data) else probe.data
            kwargs = {"format": "json"} if probe.api and data is not None else {}
            response = (
                getattr(client, probe.method)(probe.url(target), data, **kwargs)
                if data is not None
                else getattr(client, probe.method)(probe.url(target))
            )
            transaction.set_rollback(True)
        expected_status = int(cell.expected.rstrip("+-"))
        if response.status_code != expected_status:
            return f"{cell}: expected {cell.expected}, got {response.status_code}"
        if cell.expected.endswith(("+", "-")):
            listed = str(target.uuid) in response.content.decode()
            if listed != cell.expected.endswith("+"):
                return f"{cell}: expected the object {'listed' if cell.expected.endswith('+') else 'absent'}, it is {'listed' if listed else 'absent'}"
        return None

    def run(self, world, client_for, api_for) -> list[str]:
        return [problem for cell in self._cells if (problem := self.check_cell(cell, world, client_for, api_for))]

    def assert_all(self, world, client_for, api_for):
        problems = self.run(world, client_for, api_for)
        assert not problems, "Permission matrix mismatches:\n" + "\n".join(problems)


__all__ = ["ROLES", "Cell", "PermissionMatrix", "Probe"]
