"""``make audit``: pip-audit over the pinned requirements, and a plain answer when it could not check.

pip-audit counts a package that its vulnerability service does not answer for as "skipped", and then
still prints "No known vulnerabilities found" and exits 0. A package mirror that serves the package index
but not the per-version data does exactly that for every package. So this reads pip-audit's JSON report
and claims "no known vulnerabilities" only when every pinned package was looked up.

Exit status: 0 every package checked and none has a known vulnerability; 1 known vulnerabilities;
2 not checked (the service was unreachable, or it did not answer for some package).
Usage: python deploy/vulnerabilities.py [LOCK_FILE …] (default: requirements/runtime.txt and dev.txt);
AUDIT_SERVICE=osv picks the OSV database.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

TIMEOUT = 600
SHOWN = 8


def audit(requirements, service):
    """pip-audit's report as a dict, or None with pip-audit's last words when it produced none."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        command = [sys.executable, "-m", "pip_audit", "--no-deps", "--disable-pip"]
        for lock_file in requirements:
            command += ["--requirement", lock_file]
        command += ["--vulnerability-service", service, "--progress-spinner", "off", "--format", "json", "--output", str(report)]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT)  # noqa: S603  (fixed argv)
        except subprocess.TimeoutExpired:
            return None, f"no answer within {TIMEOUT} s"
        text = report.read_text() if report.is_file() else ""
        if not text.strip():
            lines = [line for line in run.stderr.splitlines() if line.strip()]
            return None, lines[-1] if lines else f"pip-audit exited with status {run.returncode}"
        return json.loads(text), None


def main(argv):
    requirements = argv[1:] or ["requirements/runtime.txt", "requirements/dev.txt"]
    service = os.environ.get("AUDIT_SERVICE", "pypi")
    report, error = audit(requirements, service)
    if report is None:
        print(f"NOT CHECKED: pip-audit could not reach the vulnerability database ({service}): {error}")
        print("No package was checked. Run `make audit` on a machine that reaches it.")
        return 2

    dependencies = report["dependencies"]
    skipped = [dep for dep in dependencies if "skip_reason" in dep]
    vulnerable = [dep for dep in dependencies if dep.get("vulns")]
    checked = len(dependencies) - len(skipped)
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE: {dep['name']} {dep['version']}: {vuln['id']} (fixed in: {fixed})")
    if skipped:
        names = ", ".join(f"{dep['name']} {dep.get('version', '')}".strip() for dep in skipped[:SHOWN])
        more = f" and {len(skipped) - SHOWN} more" if len(skipped) > SHOWN else ""
        print(
            f"NOT CHECKED: the vulnerability database ({service}) gave no answer for {len(skipped)} of {len(dependencies)} pinned packages: {names}{more}."
        )
        print(f"pip-audit's reason: {skipped[0]['skip_reason']}")
        print("Nothing is known about these packages. This machine probably reaches a package mirror, not the")
        print("vulnerability data: run `make audit` where PyPI's vulnerability data (or, with AUDIT_SERVICE=osv, OSV) answers.")
    if vulnerable:
        print(
            f"{sum(len(dep['vulns']) for dep in vulnerable)} known vulnerabilities in {len(vulnerable)} of the {checked} packages checked."
        )
        return 1
    if skipped:
        if checked:
            print(f"The other {checked} packages were checked: none of them has a known vulnerability.")
        return 2
    print(f"OK: all {checked} pinned packages checked against {service}: no known vulnerabilities.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
