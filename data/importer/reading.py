"""Read an uploaded file (CSV in any Thai encoding, XLSX, Parquet) into a table of text cells.

Title rows above the header are skipped, a header spread over two rows (merged cells, a units
row) is joined, and every cell comes back as text so that parsing rules are applied once.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

import numpy as np
import pandas as pd
import pyarrow as pa

try:
    import pyarrow.compute as pa_compute
    import pyarrow.csv as pa_csv

    _ARROW_CSV = True
except ImportError:  # pragma: no cover - pyarrow without its CSV module: pandas reads
    _ARROW_CSV = False

from data import config
from data.importer.errors import ImportFailure
from data.importer.hygiene import has_hidden, scrub_frame
from data.importer.parsing import THAI_DIGITS, year_of_header

# 1-based row of each record as a spreadsheet shows it (a CSV record whose quoted cell holds a
# line break is one row, as in Excel).
ROW = "__row"
_SCAN_ROWS = 40
_NUMERIC = re.compile(r"^[-+(]?[\d,]*\.?\d+%?\)?$")


def max_import_bytes() -> int:
    """Largest accepted file; ``WARROOM_IMPORT_MAX_MB`` overrides the 200 MB default."""
    return int(float(config.get("WARROOM_IMPORT_MAX_MB")) * 1024 * 1024)


@dataclass
class RawTable:
    """Text cells under their header, plus how the file was read (shown in the preview)."""

    frame: pd.DataFrame
    file_format: str
    encoding: str = ""
    header_row: int = 1
    header_rows: int = 1
    sheet: str = ""
    notes: list[str] = field(default_factory=list)
    # Hidden characters removed: {"row", "column", "reason"} (see hygiene.scrub_frame).
    hidden: list[dict] = field(default_factory=list)
    scan_hidden: bool = True
    # Every cell as read, before the header: what the mapping step shows of an unknown file.
    headers: list[str] = field(default_factory=list)
    # Each column's cells as (codes, distinct cells), as ``parsing.factorize_text`` gives
    # them, when the reader worked them out; valid for ``codes_frame`` only (the frame as
    # read: a frame replaced later, e.g. with hidden characters removed, has none).
    codes: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    codes_frame: pd.DataFrame | None = None

    def column_codes(self, frame: pd.DataFrame, column: str,
                     ) -> tuple[np.ndarray, np.ndarray] | None:
        """(codes, distinct cells) of ``frame[column]`` when ``frame`` is the frame as read
        (the reader's codes), else None. The frame is not to be changed in place."""
        if frame is not self.codes_frame or self.codes_frame is None:
            return None
        return self.codes.get(column)


def read_table(data: bytes, file_name: str) -> RawTable:
    size = len(data)
    if size > max_import_bytes():
        raise ImportFailure("too_large", size_mb=size / 1048576, max_mb=max_import_bytes() / 1048576)
    if size == 0 or not data.strip():
        raise ImportFailure("empty")
    suffix = PurePath(file_name).suffix.lower()
    if data[:4] == b"PAR1" or suffix == ".parquet":
        return _finish(_read_parquet(data))
    if data[:2] == b"PK" or suffix in {".xlsx", ".xlsm"}:
        return _finish(_read_xlsx(data))
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" or suffix == ".xls":
        raise ImportFailure("xls")
    if suffix not in {"", ".csv", ".txt", ".tsv"}:
        raise ImportFailure("format", name=file_name)
    return _finish(_read_csv(data))


def _finish(raw: RawTable) -> RawTable:
    """Hidden characters removed (and listed); a header without any row refused as such."""
    if raw.scan_hidden:
        raw.frame, raw.hidden = scrub_frame(raw.frame, ROW)
        if raw.hidden:
            # Cells were changed (in place or in a new frame): the reader's codes are not
            # theirs any more.
            raw.codes, raw.codes_frame = {}, None
    raw.headers = [c for c in raw.frame.columns if c != ROW]
    if raw.frame.empty:
        raise ImportFailure("no_rows", row=raw.header_row + raw.header_rows - 1)
    return raw


# -- CSV ------------------------------------------------------------------------------------------
def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 with or without BOM, else TIS-620/cp874, else a guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        body = data[3:]
        try:
            return body.decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            # A file cut in the middle of its last character keeps its whole rows (the cut
            # row is rejected as such); bad bytes anywhere else are refused, never replaced.
            if exc.start < len(body) - 3 or exc.reason != "unexpected end of data":
                raise ImportFailure("encoding") from exc
            return body[:exc.start].decode("utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp874"), "cp874"
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
    except Exception:  # noqa: BLE001 - a failed guess is reported as an encoding problem
        best = None
    if best is None or not best.encoding:
        raise ImportFailure("encoding")
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise ImportFailure("encoding") from exc


_HEAD_CHARS = 65536


def _read_csv(data: bytes) -> RawTable:
    head = _utf8_head(data)
    if head is not None:
        # UTF-8 as far as the head goes: the C parser decodes (and checks) the rest itself,
        # so the file is not decoded twice. Bytes further on that are no UTF-8 stop it, and
        # the file is then decoded as a whole below (cp874 or a guess).
        try:
            return _parse_csv(data, head, "utf-8", None)
        except UnicodeDecodeError:
            pass
    text, encoding = decode(data)
    body = data if encoding == "utf-8" else text.encode("utf-8")
    return _parse_csv(body, text[:_HEAD_CHARS], encoding, text)


def _utf8_head(data: bytes) -> str | None:
    """The first 65,536 characters of a file without a byte-order mark when they are UTF-8
    (``decode(data)[0][:65536]`` of a UTF-8 file), else None."""
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return None
    size = 4 * _HEAD_CHARS + 4  # at least 65,536 whole characters of any width
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(data[:size],
                                                               final=len(data) <= size)
    except UnicodeDecodeError:
        return None
    return text[:_HEAD_CHARS]


def _parse_csv(body: bytes, head: str, encoding: str, text: str | None) -> RawTable:
    """The table of a CSV file: ``body`` its UTF-8 bytes, ``head`` its first characters,
    ``text`` the whole text when it was decoded already (else a UnicodeDecodeError from the
    parser says the bytes are no UTF-8 after all)."""
    head_lines = head.splitlines()[: _SCAN_ROWS * 2]
    sample = "\n".join(head_lines[:_SCAN_ROWS])
    if any(ch in sample for ch in "\"';\t|"):
        try:
            sep = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            sep = ","
    else:
        # No quote for the sniffer to read and no other candidate: it could only name the
        # comma or fail (a comma then too), after counting every character of every line.
        sep = ","
    head_rows = list(csv.reader(io.StringIO("\n".join(head_lines)), delimiter=sep))
    start, n_header = _find_header(head_rows)
    # Line numbers: a quoted header may span several physical lines; count the records instead.
    header_cells = _join_header(head_rows[start:start + n_header])
    # pandas skips records, not physical lines: a header cell holding a line break is one
    # record (counting its lines skipped the first data row).
    skip = start + n_header
    fast = _arrow_frame(body, sep, skip)
    if fast is not None:
        return _arrow_raw(*fast, header_cells, start, n_header, encoding,
                          _scan_hidden(body, text))
    try:
        # UTF-8 bytes and plain Python strings: the C parser reads bytes faster than a text
        # stream, and every later step works on object arrays (no conversion per step).
        frame = pd.read_csv(io.BytesIO(body), sep=sep, header=None, skiprows=skip,
                            dtype=object, encoding="utf-8", keep_default_na=False,
                            na_filter=False, engine="c", skip_blank_lines=False,
                            on_bad_lines="error", low_memory=False)
    except pd.errors.EmptyDataError:
        frame = pd.DataFrame()
    except UnicodeDecodeError as exc:
        if text is None:
            raise
        raise ImportFailure("unreadable", detail=str(exc).splitlines()[0][:160]) from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise ImportFailure("unreadable", detail=str(exc).splitlines()[0][:160]) from exc
    # With na_filter off, the parser leaves a cell missing only where a row is short, and a
    # short row misses the last column: when that column is all text, so is every other.
    last = frame.iloc[:, -1].to_numpy() if frame.shape[1] else np.array([], dtype=object)
    gaps = not (last.dtype == object and pd.api.types.infer_dtype(last, skipna=False)
                in ("string", "empty"))
    frame = _apply_header(frame, header_cells, first_row=start + n_header + 1, gaps=gaps)
    return RawTable(frame, "csv", encoding=encoding, header_row=start + 1, header_rows=n_header,
                    scan_hidden=_scan_hidden(body, text))


def _scan_hidden(body: bytes, text: str | None) -> bool:
    return _may_hide(body) and has_hidden(text if text is not None else body.decode("utf-8"))


def _arrow_raw(frame: pd.DataFrame, codes: dict[int, tuple[np.ndarray, np.ndarray]],
               header_cells: list[str], start: int, n_header: int, encoding: str,
               scan_hidden: bool) -> RawTable:
    """The table of the records Arrow read (``_arrow_frame``), with their codes."""
    at0, uniques0 = codes[0]
    frame, kept = _apply_header_kept(frame, header_cells, first_row=start + n_header + 1,
                                     gaps=False, first_empty=(uniques0 == "")[at0])
    names = [c for c in frame.columns if c != ROW]
    raw = RawTable(frame, "csv", encoding=encoding, header_row=start + 1, header_rows=n_header,
                   scan_hidden=scan_hidden)
    raw.codes = {names[i]: got if kept is None else _kept_codes(*got, kept)
                 for i, got in codes.items()}
    raw.codes_frame = frame
    return raw


def _data_offset(body: bytes, skip: int) -> int | None:
    """Where the record after the first ``skip`` records starts, counted as pandas counts
    records (a line ends at ``\n``, ``\r\n`` or ``\r``), or None when those records hold a
    quote (a quoted line break would make a record span lines) or the file ends first."""
    at = 0
    for _ in range(skip):
        nl, cr = body.find(b"\n", at), body.find(b"\r", at)
        ends = [e for e in (nl, cr) if e >= 0]
        if not ends:
            return None
        end = min(ends)
        at = end + (2 if body[end:end + 2] == b"\r\n" else 1)
    if b'"' in body[:at] or at >= len(body):
        return None
    return at


def _arrow_frame(body: bytes, sep: str, skip: int,
                 ) -> tuple[pd.DataFrame, dict[int, tuple[np.ndarray, np.ndarray]]] | None:
    """The records after the first ``skip`` as pandas' C parser reads them (every cell text,
    as plain Python strings), read by Arrow's CSV reader, with each column's codes and
    distinct cells (``parsing.factorize_text``'s); None when Arrow cannot read them exactly
    as pandas would (a short or long row, a cut quote, bytes that are no UTF-8, a NUL byte,
    no data, quotes in the records skipped): the caller then reads with pandas.

    The distinct cells are made Python strings once and the columns taken from them by the
    codes (pandas' parser makes a string per cell and looks each up in a hash table)."""
    if not _ARROW_CSV or len(sep) != 1 or b"\x00" in body:
        return None
    offset = _data_offset(body, skip)
    if offset is None or body.startswith(b"\xef\xbb\xbf", offset):
        return None  # (a byte-order mark there would be dropped by one reader, not the other)
    # Text for every column: the delimiters of the first lines count them (at least; a
    # column beyond, of a first record spanning more lines, would be typed by Arrow:
    # refused below).
    lines = body[offset:offset + 65536].splitlines()[:8]
    width = sum(line.count(sep.encode("utf-8")) for line in lines) + 1
    try:
        table = pa_csv.read_csv(
            pa.py_buffer(body)[offset:],
            read_options=pa_csv.ReadOptions(
                use_threads=False, autogenerate_column_names=True,
                block_size=max(1 << 20, min(len(body) - offset + 1, (1 << 31) - 1))),
            parse_options=pa_csv.ParseOptions(
                delimiter=sep, quote_char='"', double_quote=True, escape_char=False,
                newlines_in_values=b'"' in body, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False, quoted_strings_can_be_null=False, check_utf8=True))
    except (pa.ArrowException, ValueError, OverflowError):
        return None
    if not table.num_columns or not table.num_rows:
        return None
    columns: dict[int, np.ndarray] = {}
    codes: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for i, name in enumerate(table.column_names):
        col = table.column(name)
        if col.type != pa.string() or col.null_count:
            return None
        encoded = pa_compute.dictionary_encode(col.combine_chunks())
        # 32-bit codes (as Arrow gives them): a large file keeps them with its cells.
        at = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
        uniques = np.array(encoded.dictionary.to_pylist(), dtype=object)
        columns[i] = uniques.take(at)
        codes[i] = (at, uniques)
    # One block per column, as taken (no copy into one block of them all).
    return pd.DataFrame(columns, dtype=object, copy=False), codes


def _kept_codes(codes: np.ndarray, uniques: np.ndarray, keep: np.ndarray,
                ) -> tuple[np.ndarray, np.ndarray]:
    """The codes of the records kept, numbered again in order of first appearance (the
    distinct cells only blank records held are gone), as ``factorize_text`` numbers them."""
    again, old = pd.factorize(codes[keep])
    return again, uniques[old]


def _may_hide(body: bytes) -> bool:
    """False when the UTF-8 bytes hold none of the lead bytes of a hidden character (U+00AD,
    U+061C, U+200B-U+206F, U+FEFF): Thai text is all 0xE0 lead bytes, so one byte search
    each (memchr) usually settles it without scanning the text with a pattern."""
    return any(lead in body for lead in (b"\xc2", b"\xd8", b"\xe2", b"\xef"))


# -- XLSX -----------------------------------------------------------------------------------------
def _read_xlsx(data: bytes) -> RawTable:
    try:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise ImportFailure("unreadable", detail="XLSX") from exc
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on broken files
        raise ImportFailure("unreadable", detail=type(exc).__name__) from exc
    try:
        for ws in wb.worksheets:
            try:
                rows = [[_indented(c) for c in r] for r in ws.iter_rows()]
            except Exception as exc:  # noqa: BLE001
                raise ImportFailure("unreadable", detail=type(exc).__name__) from exc
            rows = _trim_rows(rows)
            if not rows:
                continue
            start, n_header = _find_header(rows[:_SCAN_ROWS * 2])
            header_cells = _join_header(rows[start:start + n_header])
            body = rows[start + n_header:]
            width = max((len(r) for r in body), default=len(header_cells))
            frame = pd.DataFrame([r + [""] * (width - len(r)) for r in body])
            frame = _apply_header(frame, header_cells, first_row=start + n_header + 1)
            return RawTable(frame, "xlsx", header_row=start + 1, header_rows=n_header,
                            sheet=ws.title)
    finally:
        wb.close()
    raise ImportFailure("empty")


def _indented(cell: object) -> str:
    """A cell's text; a text cell indented in Excel gets two leading spaces per step, so that
    a hierarchy shown by indentation (a province, its districts below it) can be read."""
    value = getattr(cell, "value", None)
    text = _cell_text(value)
    if isinstance(value, str):
        indent = getattr(getattr(cell, "alignment", None), "indent", 0) or 0
        if indent:
            return "  " * int(indent) + text
    return text


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _trim_rows(rows: list[list[str]]) -> list[list[str]]:
    out = []
    for r in rows:
        while r and not r[-1].strip():
            r = r[:-1]
        out.append(r)
    while out and not out[-1]:
        out.pop()
    return out


# -- Parquet --------------------------------------------------------------------------------------
def _read_parquet(data: bytes) -> RawTable:
    try:
        frame = pd.read_parquet(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds on damaged files
        raise ImportFailure("unreadable", detail="Parquet") from exc
    text = pd.DataFrame({
        str(c): frame[c].map(_cell_text) if frame[c].dtype == object else
        frame[c].astype("string").fillna("").str.replace(r"\.0$", "", regex=True)
        for c in frame.columns})
    text.columns = [_norm_header(c) for c in frame.columns]
    text[ROW] = range(2, len(text) + 2)
    return RawTable(text, "parquet")


# -- header detection -----------------------------------------------------------------------------
def _filled(row: list[str]) -> int:
    return sum(1 for c in row if str(c).strip())


def _find_header(rows: list[list[str]]) -> tuple[int, int]:
    """(index of the header row, number of header rows). Title rows have one or two cells."""
    rows = [list(r) for r in rows]
    if not rows or not any(_filled(r) for r in rows):
        raise ImportFailure("no_header")
    widest = max(_filled(r) for r in rows)
    need = max(2, int(widest * 0.6)) if widest > 1 else 1
    start = next(i for i, r in enumerate(rows) if _filled(r) >= need)
    n = 1
    if start + 1 < len(rows) and _is_header_continuation(rows[start], rows[start + 1]):
        n = 2
    return start, n


def _is_header_continuation(top: list[str], below: list[str]) -> bool:
    cells = [c.strip() for c in below]
    filled = [c for c in cells if c]
    if not filled:
        return False
    numeric = [c for c in filled
               if _NUMERIC.match(c.translate(THAI_DIGITS)) and year_of_header(c) is None]
    if numeric:
        return False
    # A units row: every cell in brackets.
    if all(re.fullmatch(r"[(\[].*[)\]]", c) for c in filled):
        return True
    # Merged header cells: the row above is empty where this one has labels.
    width = max(len(top), len(cells))
    top = top + [""] * (width - len(top))
    cells = cells + [""] * (width - len(cells))
    gaps = [i for i in range(width) if not top[i].strip() and cells[i]]
    return bool(gaps) and (
        all(year_of_header(cells[i]) is not None for i in gaps) or len(gaps) >= 1 and
        sum(1 for i in range(width) if cells[i]) <= sum(1 for i in range(width) if top[i].strip()))


def _join_header(rows: list[list[str]]) -> list[str]:
    if len(rows) == 1:
        return [_norm_header(c) for c in rows[0]]
    top, below = rows[0], rows[1]
    width = max(len(top), len(below))
    top = top + [""] * (width - len(top))
    below = below + [""] * (width - len(below))
    out, last = [], ""
    for a, b in zip(top, below, strict=True):
        a = a.strip()
        if a:
            last = a
        label_top = a or (last if b.strip() else "")
        # A year under a merged label stands alone (wide tables); other labels are joined.
        if b.strip() and year_of_header(b) is not None:
            unit = re.search(r"[(\[][^()\[\]]+[)\]]\s*$", label_top)
            out.append(_norm_header(f"{b} {unit.group(0)}" if unit else b))
        else:
            out.append(_norm_header(f"{label_top} {b}".strip()))
    return out


def _norm_header(c: object) -> str:
    # Hidden characters stay here: scrub_frame removes them and lists the header as cleaned.
    return re.sub(r"\s+", " ", str(c).translate(THAI_DIGITS)).strip()


def _apply_header(frame: pd.DataFrame, header: list[str], first_row: int,
                  gaps: bool = True) -> pd.DataFrame:
    """``frame`` under the header's names, missing cells as empty text (``gaps`` False: the
    caller knows there is none), a row number per record, blank records dropped."""
    return _apply_header_kept(frame, header, first_row, gaps)[0]


def _apply_header_kept(frame: pd.DataFrame, header: list[str], first_row: int,
                       gaps: bool = True, first_empty: np.ndarray | None = None,
                       ) -> tuple[pd.DataFrame, np.ndarray | None]:
    """``_apply_header``, and which records were kept (None: all of them). ``first_empty``:
    which cells of the first column are empty, when the caller knows (from its codes)."""
    width = max(frame.shape[1], len(header))
    names, seen = [], {}
    for i in range(width):
        name = header[i] if i < len(header) and header[i] else f"column_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name} ({seen[name]})"
        else:
            seen[name] = 1
        names.append(name)
    for i in range(frame.shape[1], width):
        frame[i] = ""
    frame.columns = names[: frame.shape[1]]
    # A missing cell is empty text, like any empty cell: column by column, and only where
    # there is one (no copy of a whole frame of text).
    for col in frame.columns if gaps else ():
        cells = frame[col].to_numpy()
        if cells.dtype == object:
            if pd.api.types.infer_dtype(cells, skipna=False) == "string":
                continue  # text in every cell (one pass in C): nothing to fill
            # NaN is the only cell unequal to itself; None the only one equal to None.
            gaps = (cells != cells) | np.equal(cells, None)
            if gaps.any():
                frame[col] = pd.Series(np.where(gaps, "", cells), index=frame.index,
                                       dtype=object)
        elif frame[col].isna().any():
            frame[col] = frame[col].fillna("")
    frame[ROW] = np.arange(first_row, first_row + len(frame))
    # Blank lines and trailing empty rows are not records; only rows whose first cell is empty
    # can be, so the other cells are compared on those rows only.
    names_ = [c for c in frame.columns if c != ROW]
    if names_ and len(frame):
        blank = _empty(frame[names_[0]]) if first_empty is None else first_empty
        if blank.any():
            at = np.flatnonzero(blank)
            for col in names_[1:]:
                at = at[_empty(frame[col].iloc[at])]
                if not len(at):
                    break
            if len(at):
                keep = np.ones(len(frame), dtype=bool)
                keep[at] = False
                return frame[keep].reset_index(drop=True), keep
    return frame.reset_index(drop=True), None


def _empty(cells: pd.Series) -> np.ndarray:
    values = cells.to_numpy()
    if values.dtype == object:
        return np.asarray(values == "", dtype=bool)
    return np.asarray(cells.astype(str).eq("").to_numpy(), dtype=bool)
