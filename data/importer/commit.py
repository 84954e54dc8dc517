"""Write a previewed import as one batch (all or nothing), undo a batch, list batches."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd

from data.audit import record_event
from data.importer.errors import ImportFailure
from data.importer.pipeline import EXISTING_ID, GOALS, KEY, ImportPreview
from data.importer.reading import ROW
from data.importer.specs import SPECS, ImportSpec
from data.poverty import refresh_poverty_aggregates
from data.rollup import refresh_household_rollup
from data.scope import AccessScope
from data.store import Store

log = logging.getLogger("warroom")

# Composite-key tables: the SQL spelling of the same key text as pipeline.key_text.
_KEY_SQL = {
    "sdg_values": "indicator_code || '|' || area_code || '|' || CAST(year AS VARCHAR) || '|' || "
                  "disaggregation",
    "households": "house_code || '|' || CAST(survey_year AS VARCHAR)",
    "sdg_indicators": "indicator_code",
    "poverty_published": "area_code || '|' || CAST(year AS VARCHAR) || '|' || measure",
}
_CHILD_OF = {"activity_goals": ("partner_activities", "activity_id"),
             "plan_project_goals": ("plan_projects", "project_id")}


@dataclass(frozen=True)
class CommitResult:
    batch_id: int
    inserted: int
    replaced: int
    rejected: int
    already: bool = False


def _require(scope: AccessScope) -> None:
    if not scope.may_import:
        raise ImportFailure("not_allowed")


def commit_import(store: Store, scope: AccessScope, preview: ImportPreview,
                  source: str | None = None) -> CommitResult:
    """Write the accepted rows as one batch; the same file twice adds nothing."""
    _require(scope)
    spec = SPECS[preview.kind]
    user = scope.user or "unknown"
    if preview.accepted.empty:
        raise ImportFailure("nothing")
    try:
        with store.transaction():
            # Two stewards (or replicas) committing at once get distinct batch and row ids.
            store.serialise("import_batches")
            existing = store.scalar(
                "SELECT MIN(batch_id) FROM import_batches WHERE sha256 = ? AND kind = ? "
                "AND status = 'committed'", [preview.sha256, preview.kind])
            if existing is not None:
                return CommitResult(int(existing), 0, 0, 0, already=True)
            batch_id = int(store.scalar("SELECT COALESCE(MAX(batch_id), 0) + 1 "
                                        "FROM import_batches"))
            first, last = (min(preview.years), max(preview.years)) if preview.years else (None,
                                                                                         None)
            store.execute(
                "INSERT INTO import_batches (batch_id, kind, file_name, sha256, source, "
                "rows_read, rows_accepted, rows_rejected, rows_replaced, imported_by, "
                "imported_at, status, policy, file_bytes, areas_covered, first_year, last_year) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'committed', ?, ?, ?, ?, ?)",
                [batch_id, preview.kind, preview.file_name, preview.sha256, source,
                 preview.rows_read, len(preview.accepted), len(preview.rejected),
                 len(preview.replaced), user, dt.datetime.now(), preview.policy,
                 preview.file_bytes, len(preview.areas), first, last])
            _write_rows(store, spec, preview, batch_id)
            _write_rejections(store, preview, batch_id)
            _refresh_derived(store, spec, preview.years)
            result = CommitResult(batch_id, len(preview.accepted), len(preview.replaced),
                                  len(preview.rejected))
            # Which area: the province when the batch lies in one, else the provinces it
            # touches.
            provinces = sorted({str(a)[:2] for a in preview.areas if a})
            record_event(store, user, "import", provinces[0] if len(provinces) == 1 else None,
                         f"{preview.kind} batch {batch_id}: {preview.file_name} "
                         f"sha256={preview.sha256[:16]} accepted={result.inserted} "
                         f"replaced={result.replaced} rejected={result.rejected} "
                         f"provinces={','.join(provinces) or '-'}")
    except ImportFailure:
        raise
    except Exception as exc:  # noqa: BLE001 - rolled back; the user gets a clean message
        log.exception("import commit failed")
        raise ImportFailure("commit_failed", detail=type(exc).__name__) from exc
    return result


def _refresh_derived(store: Store, spec: ImportSpec, years: list[int] | None) -> None:
    """Recompute what is derived from the rows a batch changed, in the batch's transaction:
    a crash at any moment leaves the rows and their aggregates both old or both new."""
    if spec.kind == "households":
        refresh_household_rollup(store, years)
        refresh_poverty_aggregates(store, years)


def _write_rows(store: Store, spec: ImportSpec, preview: ImportPreview, batch_id: int) -> None:
    rows = preview.accepted.copy()
    table = spec.table
    replaced = rows[rows[EXISTING_ID].notna()] if EXISTING_ID in rows else rows.iloc[0:0]
    if len(replaced):
        if spec.id_column:
            ids = [int(i) for i in replaced[EXISTING_ID]]
            _backup(store, batch_id, table, f"{spec.id_column} = ANY(?)", [ids])
            for child in spec.children:
                _backup(store, batch_id, child, f"{spec.id_column} = ANY(?)", [ids])
                store.execute(f"DELETE FROM {child} WHERE {spec.id_column} = ANY(?)", [ids])
            store.execute(f"DELETE FROM {table} WHERE {spec.id_column} = ANY(?)", [ids])
        else:
            keys = pd.DataFrame({"batch_id": batch_id, "k": replaced[KEY].astype(str)})
            store.insert_df("import_scratch_keys", keys)
            where = (f"{_KEY_SQL[table]} IN (SELECT k FROM import_scratch_keys "
                     "WHERE batch_id = ?)")
            _backup(store, batch_id, table, where, [batch_id])
            store.execute(f"DELETE FROM {table} WHERE {where}", [batch_id])
            store.execute("DELETE FROM import_scratch_keys WHERE batch_id = ?", [batch_id])
    if spec.id_column:
        next_id = int(store.scalar(f"SELECT COALESCE(MAX({spec.id_column}), 0) + 1 FROM {table}"))
        ids = rows[EXISTING_ID].astype("Int64") if EXISTING_ID in rows else \
            pd.Series(pd.NA, index=rows.index, dtype="Int64")
        new = ids.isna()
        ids[new] = range(next_id, next_id + int(new.sum()))
        rows[spec.id_column] = ids.astype("int64")
    children = _children(spec, rows)
    out = rows.drop(columns=[c for c in (KEY, EXISTING_ID, GOALS, ROW) if c in rows])
    out["batch_id"] = batch_id
    store.insert_df(table, _for_sql(out))
    for child, frame in children.items():
        store.insert_df(child, frame)


def _children(spec: ImportSpec, rows: pd.DataFrame) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    if GOALS not in rows or not spec.children:
        return out
    child = spec.children[0]
    pairs = [(pid, g, t) for pid, goals in zip(rows[spec.id_column], rows[GOALS], strict=True)
             for g, t in goals]
    frame = pd.DataFrame(pairs, columns=[spec.id_column, "goal", "target"])
    if child == "activity_goals":
        frame = frame.drop(columns=["target"])
    out[child] = frame.drop_duplicates().reset_index(drop=True)
    return out


def _for_sql(df: pd.DataFrame) -> pd.DataFrame:
    """Nullable pandas types become plain objects the store binds (NA -> NULL, dates -> date)."""
    out = df.copy()
    for col in out.columns:
        s = out[col]
        if s.dtype.kind == "M":
            out[col] = s.dt.date.astype(object).where(s.notna(), None)
        elif str(s.dtype) in ("Int64", "boolean", "string", "str"):
            out[col] = s.astype(object).where(s.notna(), None)
    return out


def _backup(store: Store, batch_id: int, table: str, where: str, params: list[Any]) -> None:
    old = store.query(f"SELECT * FROM {table} WHERE {where}", params)
    if old.empty:
        return
    replaced_batch = old["batch_id"] if "batch_id" in old else pd.Series(None, index=old.index)
    records = json.loads(old.to_json(orient="records", date_format="iso"))
    frame = pd.DataFrame({
        "batch_id": batch_id, "table_name": table,
        "replaced_batch_id": replaced_batch.astype("Int64").astype(object).where(
            replaced_batch.notna(), None),
        "row_json": [json.dumps(r, ensure_ascii=False) for r in records]})
    store.insert_df("import_replaced", frame)


def _write_rejections(store: Store, preview: ImportPreview, batch_id: int) -> None:
    rej = preview.rejected
    if rej.empty:
        return
    source = rej.drop(columns=[ROW, "reason", "detail"], errors="ignore")
    records = source.astype(str).to_dict(orient="records")
    frame = pd.DataFrame({
        "batch_id": batch_id, "row_number": rej[ROW].astype(int).to_numpy(),
        "reason": (rej["reason"].astype(str) + ": " + rej["detail"].astype(str)).to_numpy(),
        "row_json": [json.dumps(r, ensure_ascii=False) for r in records]})
    store.insert_df("import_rejections", frame)


# -- undo ---------------------------------------------------------------------------------------
def undo_batch(store: Store, scope: AccessScope, batch_id: int, cascade: bool = False) -> int:
    """Remove a batch's rows and restore what it replaced; returns the rows removed.

    A batch that later batches depend on (they replaced its rows, or refer to its partners
    or to the indicators it created) is refused with the list of those batches, or with
    ``cascade`` undone after them, newest first.
    """
    _require(scope)
    row = store.rows("SELECT kind, status FROM import_batches WHERE batch_id = ?", [batch_id])
    if not row:
        raise ImportFailure("no_batch", batch_id=batch_id)
    if row[0][1] != "committed":
        raise ImportFailure("already_undone", batch_id=batch_id)
    later, initial = batch_dependents(store, batch_id)
    if initial or (later and not cascade):
        shown = ", ".join(str(b) for b in later) + (
            (", " if later else "") + "initial data" if initial else "")
        raise ImportFailure("undo_blocked", batch_id=batch_id, later=shown, batches=later)
    removed = 0
    for dependent in _closure(store, later):
        removed += _undo_one(store, scope, dependent)
    return removed + _undo_one(store, scope, batch_id)


def batch_dependents(store: Store, batch_id: int) -> tuple[list[int], bool]:
    """Committed later batches that replaced this batch's rows or refer to them, and whether
    rows outside any batch (the initial data) refer to them."""
    later = {int(r[0]) for r in store.rows(
        "SELECT DISTINCT r.batch_id FROM import_replaced r JOIN import_batches b "
        "ON b.batch_id = r.batch_id WHERE r.replaced_batch_id = ? AND b.status = 'committed'",
        [batch_id])}
    kind = store.scalar("SELECT kind FROM import_batches WHERE batch_id = ?", [batch_id])
    refs: list[tuple[object]] = []
    if kind == "partners":
        refs = store.rows(
            "SELECT DISTINCT a.batch_id FROM partner_activities a JOIN partners p "
            "ON p.partner_id = a.partner_id WHERE p.batch_id = ? "
            "AND (a.batch_id IS NULL OR a.batch_id <> ?)", [batch_id, batch_id])
    elif kind == "indicator_catalogue":
        # Indicators this batch created (not those it replaced, which undo restores).
        created = _created_indicators(store, batch_id)
        if created:
            refs = store.rows("SELECT DISTINCT batch_id FROM sdg_values "
                              "WHERE indicator_code = ANY(?)", [created])
    initial = any(r[0] is None for r in refs)
    later |= {int(r[0]) for r in refs if r[0] is not None}
    if later:
        live = {int(r[0]) for r in store.rows(
            "SELECT batch_id FROM import_batches WHERE batch_id = ANY(?) "
            "AND status = 'committed'", [sorted(later)])}
        later &= live
    return sorted(later - {batch_id}), initial


def _created_indicators(store: Store, batch_id: int) -> list[str]:
    codes = [r[0] for r in store.rows(
        "SELECT indicator_code FROM sdg_indicators WHERE batch_id = ?", [batch_id])]
    restored = {json.loads(r[0]).get("indicator_code") for r in store.rows(
        "SELECT row_json FROM import_replaced WHERE batch_id = ? AND table_name = ?",
        [batch_id, "sdg_indicators"])}
    return sorted(set(codes) - restored)


def _closure(store: Store, batches: list[int]) -> list[int]:
    """The batches and everything that depends on them, newest first."""
    seen: set[int] = set()
    todo = list(batches)
    while todo:
        b = todo.pop()
        if b in seen:
            continue
        seen.add(b)
        more, initial = batch_dependents(store, b)
        if initial:
            raise ImportFailure("undo_blocked", batch_id=b, later="initial data", batches=[])
        todo.extend(more)
    return sorted(seen, reverse=True)


def _undo_one(store: Store, scope: AccessScope, batch_id: int) -> int:
    kind = store.scalar("SELECT kind FROM import_batches WHERE batch_id = ?", [batch_id])
    spec = SPECS[kind]
    user = scope.user or "unknown"
    span = store.rows("SELECT first_year, last_year FROM import_batches WHERE batch_id = ?",
                      [batch_id])[0]
    years = list(range(int(span[0]), int(span[1]) + 1)) if span[0] is not None else None
    try:
        with store.transaction():
            removed = int(store.scalar(f"SELECT COUNT(*) FROM {spec.table} WHERE batch_id = ?",
                                       [batch_id]))
            for child in spec.children:
                store.execute(
                    f"DELETE FROM {child} WHERE {spec.id_column} IN (SELECT {spec.id_column} "
                    f"FROM {spec.table} WHERE batch_id = ?)", [batch_id])
            store.execute(f"DELETE FROM {spec.table} WHERE batch_id = ?", [batch_id])
            for table in (spec.table, *spec.children):
                _restore(store, batch_id, table)
            _refresh_derived(store, spec, years)
            store.execute(
                "UPDATE import_batches SET status = 'undone', undone_at = ?, undone_by = ? "
                "WHERE batch_id = ?", [dt.datetime.now(), user, batch_id])
            record_event(store, user, "import_undo", None,
                         f"{kind} batch {batch_id} undone: {removed} rows removed")
    except Exception as exc:  # noqa: BLE001 - rolled back; the user gets a clean message
        log.exception("undo failed")
        raise ImportFailure("commit_failed", detail=type(exc).__name__) from exc
    return removed


def _restore(store: Store, batch_id: int, table: str) -> None:
    saved = store.rows("SELECT row_json FROM import_replaced WHERE batch_id = ? "
                       "AND table_name = ?", [batch_id, table])
    if not saved:
        return
    frame = pd.DataFrame([json.loads(r[0]) for r in saved])
    types = dict(store.rows(
        "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
        [table]))
    for col in frame.columns:
        kind = str(types.get(col, "")).upper()
        if kind == "DATE":
            frame[col] = pd.to_datetime(frame[col], errors="coerce").dt.date.astype(object) \
                .where(frame[col].notna(), None)
        elif kind.startswith("TIMESTAMP"):
            frame[col] = pd.to_datetime(frame[col], errors="coerce")
    store.insert_df(table, _for_sql(frame))


# -- reading batches ----------------------------------------------------------------------------
def load_batches(store: Store, scope: AccessScope, limit: int = 200) -> pd.DataFrame:
    """Import batches, newest first (who imported what and when; no data values).

    The history names files and colleagues across the country: users limited to some
    provinces do not get it (deny by default); the catalogue shows them their own counts.
    """
    if not scope.all_provinces:
        return store.query("SELECT batch_id FROM import_batches WHERE FALSE")
    return store.query(
        "SELECT batch_id, kind, file_name, sha256, source, rows_read, rows_accepted, "
        "rows_rejected, rows_replaced, imported_by, imported_at, status, policy, undone_at, "
        "undone_by, first_year, last_year, areas_covered, recipe FROM import_batches "
        "ORDER BY batch_id DESC LIMIT ?", [int(limit)])


def load_rejections(store: Store, scope: AccessScope, batch_id: int) -> pd.DataFrame:
    """Rejected rows of a batch with their reason.

    They are the file's own cells and may hold personal data, so only the steward who
    imported the batch gets them back.
    """
    if not scope.may_import:
        return pd.DataFrame(columns=["row", "reason"])
    rows = store.rows("SELECT r.row_number, r.reason, r.row_json FROM import_rejections r "
                      "JOIN import_batches b USING (batch_id) "
                      "WHERE r.batch_id = ? AND b.imported_by = ? ORDER BY r.row_number",
                      [int(batch_id), scope.user])
    records = [{"row": r[0], "reason": r[1], **json.loads(r[2])} for r in rows]
    return pd.DataFrame(records, columns=None if records else ["row", "reason"])


def load_data_as_of(store: Store, scope: AccessScope,
                    kinds: tuple[str, ...] = ()) -> str | None:
    """The 'data as of' stamp of an export: the date of the latest committed import of the
    kinds it draws on (any kind when none is named), else the date the store was built (its
    initial load)."""
    del scope  # a date, not data
    sql = "SELECT MAX(imported_at) FROM import_batches WHERE status = 'committed'"
    value = store.scalar(sql + " AND kind = ANY(?)", [list(kinds)]) if kinds else \
        store.scalar(sql)
    if value is None:
        value = store.scalar("SELECT MIN(applied_at) FROM schema_migrations")
    return str(value)[:10] if value is not None else None
