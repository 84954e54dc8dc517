"""``python -m data import FILE --kind ...``: the same checks and commit as the Data page."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from data.alerts import after_import
from data.importer.commit import commit_import, undo_batch
from data.importer.errors import ImportFailure
from data.importer.pipeline import preview_import
from data.importer.specs import KINDS, POLICIES
from data.scope import AccessScope
from domain.safe_text import csv_bytes


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import a CSV/XLSX/Parquet file as one batch")
    p.add_argument("file", help="file to import, or a batch number with --undo")
    p.add_argument("--kind", choices=KINDS, help="kind of data in the file")
    p.add_argument("--policy", choices=POLICIES, default="reject",
                   help="rows whose key already exists: replace, keep the stored row, or reject")
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument("--undo", action="store_true", help="undo the batch numbered FILE")
    p.add_argument("--user", default="cli", help="name recorded in the batch and audit log")
    p.add_argument("--rejected", default=None, help="write rejected rows to this CSV file")


def run(args: argparse.Namespace) -> int:
    from data.store import open_store

    scope = AccessScope(user=args.user, roles=frozenset({"steward", "analyst"}), provinces=None)
    try:
        store = open_store()
        if args.undo:
            removed = undo_batch(store, scope, int(args.file))
            after_import(store, None)
            print(json.dumps({"undone": int(args.file), "rows_removed": removed}))
            return 0
        if not args.kind:
            print("error: --kind is required", file=sys.stderr)
            return 2
        path = Path(args.file)
        if not path.is_file():
            print(f"error: no such file: {path}", file=sys.stderr)
            return 2
        t0 = time.perf_counter()
        data = path.read_bytes()
        preview = preview_import(store, scope, data, path.name, args.kind, args.policy)
        t_check = time.perf_counter() - t0
        report = {"file": path.name, "kind": args.kind, "policy": args.policy,
                  **preview.counts, "areas": len(preview.areas),
                  "years": preview.years, "already_imported_as": preview.existing_batch,
                  "check_seconds": round(t_check, 2),
                  "rows_per_second": round(preview.rows_read / t_check) if t_check else None}
        if args.rejected and len(preview.rejected):
            Path(args.rejected).write_bytes(csv_bytes(preview.rejected_report("en")))
        reasons = preview.rejected["reason"].value_counts().to_dict() if len(
            preview.rejected) else {}
        report["rejected_by_reason"] = reasons
        if not args.dry_run and len(preview.accepted):
            t1 = time.perf_counter()
            result = commit_import(store, scope, preview, source=str(path))
            report.update(batch_id=result.batch_id, already=result.already,
                          commit_seconds=round(time.perf_counter() - t1, 2))
            if not result.already:
                run = after_import(store, result.batch_id)  # never fails the import
                report["alerts"] = None if run is None else {
                    "raised": run.raised, "resolved": run.resolved, "failed_rules": run.failed}
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return 0
    except ImportFailure as exc:
        print(f"error: {exc.message('en')}", file=sys.stderr)
        return 2
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - a store error is a message, not a traceback
        from data.store import StoreError

        if not isinstance(exc, StoreError):
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
