"""Validated imports into the One Data store: read, preview, commit as one batch, undo."""

from data.importer.commit import (
    CommitResult,
    commit_import,
    load_batches,
    load_rejections,
    undo_batch,
)
from data.importer.errors import ImportFailure, reason_text
from data.importer.pipeline import ImportPreview, preview_import
from data.importer.reading import max_import_bytes
from data.importer.specs import KINDS, POLICIES, SPECS

__all__ = [
    "KINDS", "POLICIES", "SPECS", "CommitResult", "ImportFailure", "ImportPreview",
    "commit_import", "load_batches", "load_rejections", "max_import_bytes", "preview_import",
    "reason_text", "undo_batch",
]
