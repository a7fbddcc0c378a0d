"""A task for the fault drills whose every run can be counted: it is not idempotent on purpose.

The project's own tasks guard against running twice (a notice is claimed before it is emailed, an
import moves its status by compare-and-set), which would hide a queue that hands one task to two
workers. This one appends a line per run, so a second run shows.
"""

import os

from django_tasks import task


@task()
def count_run(ledger: str, n: int) -> int:
    with open(ledger, "a") as out:  # one short O_APPEND write: lines of concurrent runs never interleave
        out.write(f"{n} {os.getpid()}\n")
    return n
