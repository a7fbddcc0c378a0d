"""The lock files: every pin exact, production's set free of test and benchmark tools, and
each direct dependency pinned where it is declared."""

import re
from pathlib import Path

REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)$")


def normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock_file: str) -> dict[str, str]:
    found = {}
    for line in (REQUIREMENTS / lock_file).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        match = PIN.match(line)
        assert match, f"{lock_file}: not an exact pin: {line!r}"
        found[normalised(match[1])] = match[2]
    return found


def direct(in_file: str) -> set[str]:
    names = set()
    for line in (REQUIREMENTS / in_file).read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            names.add(normalised(re.split(r"[\[<>=!~;\s]", line, maxsplit=1)[0]))
    return names


def test_it_pins_every_direct_dependency_in_its_own_lock_file():
    assert direct("runtime.in") <= set(pins("runtime.txt"))
    assert direct("dev.in") <= set(pins("dev.txt"))


def test_it_keeps_test_and_benchmark_tools_out_of_production():
    runtime = set(pins("runtime.txt"))
    for tool in ("pytest", "playwright", "locust", "schemathesis", "ruff", "factory-boy", "bm25s", "rank-bm25", "pip-tools"):
        assert tool not in runtime, tool
    assert "gunicorn" in runtime  # the server docs/deployment.md runs


def test_it_installs_one_version_of_each_package():
    runtime, dev = pins("runtime.txt"), pins("dev.txt")
    assert {name: (runtime[name], dev[name]) for name in runtime.keys() & dev.keys() if runtime[name] != dev[name]} == {}
    assert "qrcode" not in runtime | dev  # QR codes are drawn by segno
