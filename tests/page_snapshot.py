"""Everything a page run put on screen, in order, as comparable values: for each element its
kind and its message as Streamlit sends it (texts, metrics, chart figures, table data and column
settings, map arguments, widgets, download data), so that two runs can be held exactly equal."""

from __future__ import annotations

import difflib
from typing import Any


def _node(node: Any, out: list[tuple[str, Any]]) -> None:
    children = getattr(node, "children", None)
    proto = getattr(node, "proto", None)
    if proto is not None:
        if "deferred_file_id" in proto.DESCRIPTOR.fields_by_name:
            # A new random id on every run for a file made only when clicked (the figure or
            # table it is made from is compared in its own element).
            proto = type(proto).FromString(proto.SerializeToString())
            proto.ClearField("deferred_file_id")
        out.append((type(node).__name__, proto))
    if children:
        for key in sorted(children):
            _node(children[key], out)


def page_snapshot(at: Any) -> list[tuple[str, Any]]:
    """The page's elements (sidebar, then main area) in their order: kind and message."""
    out: list[tuple[str, Any]] = []
    _node(at.sidebar, out)
    _node(at.main, out)
    return out


def assert_same_page(got: list[tuple[str, Any]], want: list[tuple[str, Any]]) -> None:
    """Equal element by element, byte for byte (the first difference shown), and as many."""
    kinds = [k for k, _ in got]
    assert kinds == [k for k, _ in want], "the pages show different elements"
    for i, ((kind, a), (_, b)) in enumerate(zip(got, want, strict=True)):
        if a.SerializeToString(deterministic=True) != b.SerializeToString(deterministic=True):
            diff = "\n".join(list(difflib.unified_diff(
                str(b).splitlines(), str(a).splitlines(), lineterm=""))[:40])
            raise AssertionError(f"element {i} ({kind}) differs:\n{diff}")
