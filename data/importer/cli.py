"""``python -m data import FILE|FOLDER ...``, ``python -m data recipes ...`` and ``python -m
data measure add ...``: the same mapping, checks, recipes, new measures and commit as the Data
page."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from data.alerts import after_import
from data.importer.commit import commit_import, undo_batch
from data.importer.errors import ImportFailure
from data.importer.measures import NewMeasure, create_measure
from data.importer.pipeline import ImportPreview, preview_import
from data.importer.plan import override, plan_import
from data.importer.recipes import (
    import_recipe,
    load_recipe,
    load_recipes,
    mark_batch_recipe,
    save_recipe,
)
from data.importer.specs import KINDS, POLICIES
from data.scope import AccessScope
from domain.safe_text import csv_bytes

SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".parquet"}


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("import", help="import a file (or every file of a folder), one batch each")
    p.add_argument("file", help="file or folder to import, or a batch number with --undo")
    p.add_argument("--kind", choices=KINDS, help="kind of data (a recipe brings its own)")
    p.add_argument("--recipe", help="apply the saved recipe NAME (or NAME@VERSION)")
    p.add_argument("--map", action="append", metavar="COLUMN=FIELD",
                   help="take FIELD from COLUMN (repeatable; COLUMN= leaves the column out)")
    p.add_argument("--set", action="append", metavar="FIELD=VALUE",
                   help="FIELD is VALUE for the whole file (repeatable)")
    p.add_argument("--from-name", action="append", metavar="FIELD=PATTERN",
                   help="FIELD from the file name: {} marks the part, e.g. year=poor_*_{}.csv")
    p.add_argument("--save-recipe", metavar="NAME", help="save the mapping used as recipe NAME")
    p.add_argument("--no-recipe", action="store_true",
                   help="do not apply a recipe found by the file's headers")
    p.add_argument("--policy", choices=POLICIES, default=None,
                   help="rows whose key already exists: replace, keep the stored row, or reject "
                        "(default: the recipe's, else reject)")
    p.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    p.add_argument("--undo", action="store_true", help="undo the batch numbered FILE")
    p.add_argument("--cascade", action="store_true",
                   help="with --undo: also undo the later batches that depend on it")
    p.add_argument("--note", default="", help="a note recorded in the batch and the audit log "
                                             "after your system user name")
    p.add_argument("--rejected", default=None,
                   help="write rejected rows to this CSV file (a folder: one file per input)")
    m = sub.add_parser("measure", help="add a measure (an indicator, SDG or not) to the "
                                       "catalogue, as the Data page's mapping step does")
    m.add_argument("action", choices=("add",))
    m.add_argument("code", help="indicator code, e.g. pop_registered")
    m.add_argument("--name-th", required=True, help="Thai name")
    m.add_argument("--name-en", required=True, help="English name")
    m.add_argument("--unit", required=True, help="unit, e.g. คน, บาท, %%")
    m.add_argument("--direction", choices=("higher", "lower"), required=True,
                   help="whether a higher or a lower value is better")
    m.add_argument("--source", required=True, help="where the figures come from")
    m.add_argument("--goal", type=int, choices=range(1, 18), metavar="1-17",
                   help="SDG goal; leave out for a measure that is not an SDG indicator "
                        "(browsable and mappable, never in SDG scores)")
    m.add_argument("--lower-bound", type=float, help="scoring range (an SDG indicator needs "
                                                     "both bounds)")
    m.add_argument("--upper-bound", type=float)
    m.add_argument("--target-2030", type=float)
    m.add_argument("--levels", choices=("province", "province,district"), default="province",
                   help="levels the figures are published at")
    m.add_argument("--decimals", type=int, default=1)
    m.add_argument("--note", default="", help="a note recorded after your system user name")
    r = sub.add_parser("recipes", help="list, export or import import recipes")
    r.add_argument("action", choices=("list", "export", "import"))
    r.add_argument("name", nargs="?", help="recipe name (export) or JSON file (import)")
    r.add_argument("--out", help="export: write here instead of standard output")
    r.add_argument("--note", default="", help="a note recorded after your system user name")


def _scope(note: str) -> AccessScope:
    """A steward's rights, recorded as the operating-system user who ran the command."""
    from data.audit import cli_actor

    return AccessScope(user=cli_actor(note), roles=frozenset({"steward", "analyst"}),
                       provinces=None)


def run(args: argparse.Namespace) -> int:
    from data.store import StoreError, open_store

    try:
        store = open_store(create=False)
        if args.command == "recipes":
            return _recipes(store, args)
        if args.command == "measure":
            return _measure(store, args)
        scope = _scope(args.note)
        if args.undo:
            removed = undo_batch(store, scope, int(args.file), cascade=args.cascade)
            after_import(store, None)
            print(json.dumps({"undone": int(args.file), "rows_removed": removed}))
            return 0
        path = Path(args.file)
        if path.is_dir():
            return _folder(store, scope, path, args)
        if not path.is_file():
            print(f"error: no such file: {path}", file=sys.stderr)
            return 2
        report = import_one(store, scope, path, args)
        print(json.dumps(report, ensure_ascii=False, indent=2, default=str))
        return 0
    except ImportFailure as exc:
        print(f"error: {exc.message('en')}", file=sys.stderr)
        return 2
    except StoreError as exc:
        from data.__main__ import report_store_error

        return report_store_error(exc)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def import_one(store: Any, scope: AccessScope, path: Path, args: argparse.Namespace,
               rejected: Path | None = None) -> dict[str, Any]:
    """Map, check and (unless a dry run) commit one file; the report as a dict."""
    t0 = time.perf_counter()
    data = path.read_bytes()
    plan = plan_import(store, data, path.name, args.kind, args.recipe,
                       find=not args.no_recipe)
    mapping = override(plan.mapping, args.map, args.set, args.from_name)
    policy = args.policy or (plan.recipe.policy if plan.recipe else None) or "reject"
    preview = preview_import(store, scope, data, path.name, plan.kind, policy, mapping,
                             raw=plan.raw)
    t_check = time.perf_counter() - t0
    report = preview_report(preview)
    report.update(recipe=(f"{plan.recipe.name} v{plan.recipe.version}" if plan.recipe else None),
                  recipe_found_by_headers=plan.recipe_found, check_seconds=round(t_check, 3),
                  rows_per_second=round(preview.rows_read / t_check) if t_check else None)
    out = rejected if rejected is not None else (Path(args.rejected) if args.rejected else None)
    if out and len(preview.rejected):
        out.write_bytes(csv_bytes(preview.rejected_report("en")))
    if args.save_recipe:
        saved = save_recipe(store, scope, args.save_recipe, plan.kind, mapping,
                            plan.raw.headers, policy)
        report["recipe_saved"] = f"{saved.name} v{saved.version}"
        plan.recipe = saved
    if not args.dry_run and len(preview.accepted):
        t1 = time.perf_counter()
        result = commit_import(store, scope, preview, source=str(path))
        if plan.recipe is not None and not result.already:
            mark_batch_recipe(store, result.batch_id, plan.recipe)
        report.update(batch_id=result.batch_id, already=result.already,
                      commit_seconds=round(time.perf_counter() - t1, 3))
        if not result.already:
            run = after_import(store, result.batch_id)  # never fails the import
            report["alerts"] = None if run is None else {
                "raised": run.raised, "resolved": run.resolved, "failed_rules": run.failed}
    return report


def preview_report(preview: ImportPreview) -> dict[str, Any]:
    """What a steward reads before committing: counts, mapping, what was left out and why."""
    n = preview.notes
    reasons = preview.rejected["reason"].value_counts().to_dict() if len(
        preview.rejected) else {}
    checks = n.get("checks", {})
    return {
        "file": preview.file_name, "kind": preview.kind, "policy": preview.policy,
        **preview.counts, "areas": len(preview.areas), "years": preview.years,
        "already_imported_as": preview.existing_batch,
        "mapping": {k: _describe(v) for k, v in n.get("mapping", {}).get("fields", {}).items()},
        "ignored_columns": n.get("ignored_columns", []),
        "approximate_matches": n.get("approximate_matches", {}),
        "hidden_characters_removed": n.get("hidden_characters", []),
        "rejected_by_reason": reasons,
        "checks": {k: v for k, v in checks.items() if v not in ([], None)},
    }


def _describe(source: dict[str, str]) -> str:
    return {"column": "{}", "constant": "= {}", "filename": "file name ~ {}"}.get(
        source.get("kind", ""), "{}").format(source.get("value", ""))


def _folder(store: Any, scope: AccessScope, folder: Path, args: argparse.Namespace) -> int:
    """Every file of ``folder`` (sorted) as its own batch; a refused file does not stop the rest."""
    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES)
    reports, failed = [], 0
    out_dir = Path(args.rejected) if args.rejected else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    for path in files:
        try:
            rejected = out_dir / f"rejected_{path.stem}.csv" if out_dir else None
            reports.append(import_one(store, scope, path, args, rejected))
        except ImportFailure as exc:
            failed += 1
            reports.append({"file": path.name, "error": exc.message("en")})
    print(json.dumps({"folder": str(folder), "files": len(files), "failed": failed,
                      "batches": [r.get("batch_id") for r in reports if r.get("batch_id")],
                      "reports": reports}, ensure_ascii=False, indent=2, default=str))
    return 2 if failed or not files else 0


def _measure(store: Any, args: argparse.Namespace) -> int:
    """``measure add``: the catalogue row committed as its own undoable batch, with the checks
    of the Data page's form (an existing code, bounds, goal) through ``create_measure``."""
    measure = NewMeasure(args.code.strip(), args.name_th.strip(), args.name_en.strip(),
                         args.unit.strip(), args.direction, args.source.strip(), args.goal,
                         args.lower_bound, args.upper_bound, args.target_2030,
                         levels=args.levels, decimals=args.decimals)
    result = create_measure(store, _scope(args.note), measure)
    print(json.dumps({"indicator": measure.code, "batch_id": result.batch_id,
                      "sdg_goal": measure.goal}, ensure_ascii=False))
    return 0


def _recipes(store: Any, args: argparse.Namespace) -> int:
    if args.action == "list":
        df = load_recipes(store, _scope(args.note))
        rows = [{"name": r.name, "version": int(r.version), "kind": r.kind,
                 "fields": sorted(json.loads(r.mapping_json)["fields"]),
                 "by": r.created_by, "at": str(r.created_at)} for r in df.itertuples()]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not args.name:
        print("error: name the recipe (export) or the JSON file (import)", file=sys.stderr)
        return 2
    if args.action == "export":
        body = load_recipe(store, args.name).to_json()
        if args.out:
            Path(args.out).write_bytes(body)
        else:
            sys.stdout.write(body.decode("utf-8") + "\n")
        return 0
    saved = import_recipe(store, _scope(args.note), Path(args.name).read_bytes())
    print(json.dumps({"recipe": saved.name, "version": saved.version, "kind": saved.kind},
                     ensure_ascii=False))
    return 0
