"""Installed boundary layers: merge or replace an import, backups per level, restore and reset."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from geo import boundaries
from geo.boundaries import LEVELS, installed_path, meta_path

# Backups kept per level: enough to step back over a few imports, small on disk.
BACKUPS_KEEP = 5
BACKUP_INFO = "backup.json"


class LayerError(Exception):
    """A restore or reset that cannot be done safely, with a message for the operator."""


@dataclass
class MergeCounts:
    """What an import does to the units drawn for a level (built-in and installed)."""

    mode: str = "merge"
    added: list[str] = field(default_factory=list)
    replaced_builtin: list[str] = field(default_factory=list)
    replaced_installed: list[str] = field(default_factory=list)
    kept_builtin_codes: list[str] = field(default_factory=list)
    kept_installed: int = 0
    removed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"mode": self.mode, "added": len(self.added),
                "replaced": len(self.replaced_builtin) + len(self.replaced_installed),
                "replaced_builtin": len(self.replaced_builtin),
                "replaced_installed": len(self.replaced_installed),
                "kept": len(self.kept_builtin_codes) + self.kept_installed,
                "kept_builtin": len(self.kept_builtin_codes),
                "kept_installed": self.kept_installed,
                "removed": len(self.removed)}


def _read_installed_raw(level: str) -> gpd.GeoDataFrame | None:
    """The installed file as written (abolished units kept by an import included)."""
    path = installed_path(level)
    if not path.exists():
        return None
    gdf = gpd.read_file(path)
    gdf["code"] = gdf["code"].astype(str)
    return gdf


def merge_units(level: str, new: gpd.GeoDataFrame,
                replace: bool) -> tuple[gpd.GeoDataFrame, MergeCounts]:
    """The units to install: ``new`` over the installed ones (or ``new`` alone with
    ``replace``), and what that adds, replaces, keeps and removes of the drawn layer."""
    drawn = boundaries.load_boundaries(level)
    origin = ({} if drawn is None
              else dict(zip(drawn["code"], drawn["origin"], strict=True)))
    codes = set(new["code"])
    counts = MergeCounts(mode="replace" if replace else "merge")
    counts.added = sorted(codes - set(origin))
    counts.replaced_builtin = sorted(c for c in codes if origin.get(c) == "builtin")
    counts.replaced_installed = sorted(c for c in codes if origin.get(c) == "installed")
    rest = {c: o for c, o in origin.items() if c not in codes}
    if replace:
        counts.removed = sorted(rest)
        return new, counts
    counts.kept_builtin_codes = sorted(c for c, o in rest.items() if o == "builtin")
    counts.kept_installed = sum(1 for o in rest.values() if o == "installed")
    previous = _read_installed_raw(level)
    if previous is None or previous.empty:
        return new, counts
    keep = previous[~previous["code"].isin(codes)]
    columns = ["code", "geometry"] + (["status"] if "status" in new or "status" in keep else [])
    merged = pd.concat([keep.reindex(columns=columns), new.reindex(columns=columns)],
                       ignore_index=True)
    if "status" in merged:
        merged["status"] = merged["status"].fillna("current")
    merged = merged.sort_values("code").reset_index(drop=True)
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=4326), counts


def merged_sources(level: str, entry: dict[str, Any], replace: bool) -> list[dict[str, Any]]:
    """The sources of the installed units after an import: the new file first, then the earlier
    sources for the units they still provide (so every unit keeps its licence)."""
    if replace or not installed_path(level).exists():
        return [entry]
    meta = boundaries.installed_meta(level)
    earlier = meta.get("sources")
    if not earlier:  # installed before sources were recorded: one source for all its units
        gdf = _read_installed_raw(level)
        earlier = [{k: meta.get(k) for k in ("file", "source", "licence", "attribution",
                                             "attribution_short", "sha256", "imported_at")}
                   | {"codes": sorted(gdf["code"]) if gdf is not None else []}]
    taken = set(entry["codes"])
    out = [entry]
    for source in earlier:
        left = [c for c in source.get("codes") or [] if c not in taken]
        if left:
            out.append({**source, "codes": left, "units": len(left)})
    return out


# ---------------------------------------------------------------- files


def _write_private_tmp(target: Path, data: bytes) -> str:
    fd, name = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=target.suffix,
                                dir=target.parent)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(name, 0o644)  # mkstemp makes it private; the app must read it
    return name


def install_files(level: str, geojson: bytes, meta: dict[str, Any]) -> None:
    """Write the level's GeoJSON and meta: both to temporary files first, then renamed, so a
    failure leaves the installed pair as it was."""
    target = installed_path(level)
    target.parent.mkdir(parents=True, exist_ok=True)
    names: list[str] = []
    try:
        names.append(_write_private_tmp(target, geojson))
        names.append(_write_private_tmp(
            meta_path(level), json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8")))
        os.replace(names[0], target)
        os.replace(names[1], meta_path(level))
    finally:
        for name in names:
            Path(name).unlink(missing_ok=True)


def backups_dir(level: str) -> Path:
    return boundaries.boundaries_dir() / "backups" / level


def list_backups(level: str) -> list[dict[str, Any]]:
    """Backups of a level, newest first (what each held, when and why it was taken)."""
    folder = backups_dir(level)
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.iterdir(), reverse=True):
        if path.name.startswith(".") or not path.is_dir():
            continue
        try:
            info = json.loads((path / BACKUP_INFO).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            info = {"damaged": True}
        out.append({"id": path.name, "path": str(path), **info})
    return out


def backup_level(level: str, reason: str) -> dict[str, Any]:
    """Copy the level's installed files (or note that none were installed) into a new backup,
    then drop the oldest beyond ``BACKUPS_KEEP``. Returns the backup's description."""
    folder = backups_dir(level)
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)
    backup_id = now.strftime("%Y%m%dT%H%M%S%fZ")
    while (folder / backup_id).exists():  # two backups within a microsecond
        backup_id += "x"
    work = Path(tempfile.mkdtemp(prefix=f".{backup_id}-", dir=folder))
    try:
        installed = installed_path(level).exists()
        meta = boundaries.installed_meta(level) if installed else {}
        if installed:
            shutil.copy2(installed_path(level), work / installed_path(level).name)
            if meta_path(level).exists():
                shutil.copy2(meta_path(level), work / meta_path(level).name)
        info = {"level": level, "created_at": now.isoformat(timespec="seconds"),
                "reason": reason, "installed": installed,
                "mode": meta.get("mode", "merge") if installed else None,
                "features": meta.get("features"), "file": meta.get("file"),
                "source": meta.get("source")}
        (work / BACKUP_INFO).write_text(json.dumps(info, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
        work.rename(folder / backup_id)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
    for old in list_backups(level)[BACKUPS_KEEP:]:
        shutil.rmtree(old["path"], ignore_errors=True)
    return {"id": backup_id, "path": str(folder / backup_id), **info}


def drop_backup(backup: dict[str, Any]) -> None:
    shutil.rmtree(backup["path"], ignore_errors=True)


def _describe(state: dict[str, Any]) -> str:
    if not state.get("installed"):
        return "the built-in boundaries (nothing installed)"
    where = ("the whole level" if state.get("mode") == "replace"
             else "over the built-in ones")
    return f"{state.get('file') or 'an import'}: {state.get('features')} installed units, {where}"


def _check_backup(level: str, backup: dict[str, Any]) -> None:
    if backup.get("damaged"):
        raise LayerError(f"backup {backup['id']} of {level} boundaries is damaged (no readable "
                         f"{BACKUP_INFO}); nothing changed")
    if not backup.get("installed"):
        return
    path = Path(backup["path"]) / installed_path(level).name
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several error classes for a damaged file
        raise LayerError(f"backup {backup['id']} of {level} boundaries cannot be read "
                         f"({exc}); nothing changed") from exc
    if gdf.empty or "code" not in gdf:
        raise LayerError(f"backup {backup['id']} of {level} boundaries holds no units; "
                         "nothing changed")


def restore(level: str, backup_id: str | None = None,
            log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Bring back a backup of the level (the newest unless ``backup_id``). The current state is
    backed up first, so a restore can itself be undone by restoring again."""
    if level not in LEVELS:
        raise LayerError(f"unknown level {level!r}; use province, district or subdistrict")
    backups = list_backups(level)
    if not backups:
        raise LayerError(f"no backup of {level} boundaries to restore (backups are taken by "
                         f"imports, restore and reset); nothing changed")
    chosen = backups[0] if backup_id is None else next(
        (b for b in backups if b["id"] == backup_id), None)
    if chosen is None:
        raise LayerError(f"no backup {backup_id!r} of {level} boundaries; backups: "
                         + ", ".join(b["id"] for b in backups))
    _check_backup(level, chosen)
    if not chosen.get("installed") and not boundaries.has_builtin(level):
        raise LayerError(f"backup {chosen['id']} means 'no {level} boundaries installed', and "
                         f"this installation has no built-in {level} layer: restoring it would "
                         "leave no map; nothing changed")
    saved = backup_level(level, f"before restoring backup {chosen['id']}")
    try:
        if chosen.get("installed"):
            source = Path(chosen["path"])
            meta_file = source / meta_path(level).name
            meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
            install_files(level, (source / installed_path(level).name).read_bytes(), meta)
        else:
            _remove_installed(level)
    except BaseException:
        drop_backup(saved)
        raise
    drop_backup(chosen)
    result = {"level": level, "restored": chosen["id"], "now": _describe(chosen),
              "backup_of_previous": saved["id"], "previous": _describe(saved)}
    if log:
        log(f"{level}: restored backup {chosen['id']} ({chosen.get('reason')}): now drawing "
            f"{result['now']}.\n  The previous state ({result['previous']}) is backup "
            f"{saved['id']}: `python -m geo restore {level}` brings it back.")
    return result


def _remove_installed(level: str) -> None:
    installed_path(level).unlink(missing_ok=True)
    meta_path(level).unlink(missing_ok=True)


def reset(level: str, force: bool = False,
          log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Go back to the built-in layer: back up the installed files, then remove them."""
    if level not in LEVELS:
        raise LayerError(f"unknown level {level!r}; use province, district or subdistrict")
    if not installed_path(level).exists():
        message = (f"{level}: nothing installed, the built-in boundaries are already in use; "
                   "nothing changed" if boundaries.has_builtin(level) else
                   f"{level}: nothing installed and no built-in layer; nothing changed")
        if log:
            log(message)
        return {"level": level, "changed": False, "message": message}
    if not boundaries.has_builtin(level) and not force:
        raise LayerError(f"this installation has no built-in {level} layer: a reset would leave "
                         f"no {level} map. Nothing changed; pass --force to remove the "
                         f"installed {level} boundaries anyway")
    saved = backup_level(level, "reset to the built-in boundaries")
    _remove_installed(level)
    result = {"level": level, "changed": True, "backup": saved["id"],
              "previous": _describe(saved)}
    if log:
        log(f"{level}: removed the installed boundaries ({result['previous']}); the built-in "
            f"layer is drawn again.\n  Backup {saved['id']}: `python -m geo restore {level}` "
            "brings the installed boundaries back.")
    return result
