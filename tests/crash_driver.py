"""The crash tests' driver: runs a household import (or an undo) in a process of its own and
kills that process with SIGKILL right after its N-th call into the store, writing down the
phase it was in (reading, checking, writing, committing, refreshing).

``python -m tests.crash_driver URL FILE KILL_AT PHASE_FILE [--undo BATCH]``; ``KILL_AT`` 0
counts the calls instead: the whole run happens inside an outer transaction that is rolled
back, and every call's phase is written to PHASE_FILE (one per line).
"""

from __future__ import annotations

import os
import signal
import sys
import traceback
from pathlib import Path

from data.importer import pipeline
from data.store import Store

# Innermost first: the first of these found on the stack names the phase of a call.
_PHASES = (("refresh_poverty_aggregates", "refreshing"), ("refresh_household_rollup",
                                                          "refreshing"),
           ("_write_rows", "writing"), ("_write_rejections", "writing"),
           ("_restore", "writing"), ("commit_import", "committing"),
           ("undo_batch", "committing"), ("preview_import", "checking"))


class _Rollback(Exception):
    pass


def _phase() -> str:
    names = {frame.name for frame in traceback.extract_stack()}
    return next((phase for fn, phase in _PHASES if fn in names), "other")


def main(argv: list[str]) -> int:
    url, file, kill_at, phase_file = argv[0], Path(argv[1]), int(argv[2]), Path(argv[3])
    undo = int(argv[5]) if len(argv) > 5 and argv[4] == "--undo" else None
    seen: list[str] = []

    def counted(fn, phase: str | None = None):
        def wrapper(*args, **kwargs):
            result = fn(*args, **kwargs)
            seen.append(phase or _phase())
            if len(seen) == kill_at:
                phase_file.write_text(seen[-1])
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        return wrapper

    for name in ("execute", "executemany", "insert_df", "query", "rows", "arrays"):
        setattr(Store, name, counted(getattr(Store, name)))
    pipeline.read_table = counted(pipeline.read_table, "reading")

    from data.importer.commit import commit_import, undo_batch
    from data.scope import AccessScope

    scope = AccessScope(user="crash-test", roles=frozenset({"steward"}), provinces=None)
    store = Store(url)

    def run() -> None:
        if undo is not None:
            undo_batch(store, scope, undo)
            return
        preview = pipeline.preview_import(store, scope, file.read_bytes(), file.name,
                                          "households", "replace")
        result = commit_import(store, scope, preview)
        print(result.batch_id, flush=True)

    if kill_at:
        run()
        return 0
    try:
        with store.transaction():
            run()
            raise _Rollback
    except _Rollback:
        pass
    phase_file.write_text("\n".join(seen))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
