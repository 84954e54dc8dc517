"""Data page rendering: catalogue, imports (upload, preview, commit, undo), templates, history.

Lineage: every import batch with its file, counts, policy and undo.
"""

from __future__ import annotations

import streamlit as st

from components.auth import client_address, record_action
from components.datasource import current_scope, data_version, fetch, get_store, get_writer
from components.export import recorded
from components.i18n import lang, t
from components.ui import ExportMeta, Kpi, guarded, render_kpis, render_page_header, render_table
from data.alerts import after_import
from data.importer import (
    KINDS,
    POLICIES,
    ImportFailure,
    commit_import,
    load_batches,
    load_rejections,
    max_import_bytes,
    preview_import,
    undo_batch,
)
from data.importer.lineage import load_catalogue
from data.importer.templates import template_csv, template_xlsx
from domain.formatting import fmt_date, fmt_int, fmt_year
from domain.safe_text import csv_bytes

_PREVIEW = "importx_preview"
_MESSAGE = "importx_message"
_UPLOAD_TYPES = ["csv", "txt", "tsv", "xlsx", "xlsm", "parquet"]


def _years_text(years: list[int]) -> str:
    if not years:
        return "-"
    shown = [y + 543 for y in years] if lang() == "th" else years
    return f"{min(shown)}–{max(shown)}" if len(shown) > 1 else str(shown[0])


@guarded
def render_catalogue() -> None:
    df = fetch(load_catalogue)
    if df.empty:
        st.info(t("no_data"))
        return
    df = df.assign(
        dataset=df.dataset.map(lambda d: t(f"importx_dataset_{d}")),
        kind=df.kind.map(lambda k: t(f"importx_kind_{k}") if k else ""),
        lineage=[t("importx_lineage", initial=fmt_int(i), imported=fmt_int(m), batches=b)
                 for i, m, b in zip(df.initial_rows, df.imported_rows, df.batches,
                                    strict=True)])
    # The import kind is named like the dataset: the lineage column needs the width more.
    df = df.drop(columns=["initial_rows", "kind"])
    # Years as the rest of the app shows them (BE, with CE in English); "–" where a dataset
    # has no years (partners) or no import yet, rather than the grid's "None".
    for col in ("first_year", "last_year"):
        df[col] = df[col].map(lambda y: fmt_year(None if y is None or y != y else int(y), lang()))
    df["last_import"] = df["last_import"].map(
        lambda ts: "–" if ts is None or ts != ts else fmt_date(ts.date(), lang(), short=True)
        + ts.strftime(" %H:%M"))
    df["source"] = df["source"].map(lambda s: s or "–")
    render_table(df, key="importx_catalogue",
                 meta=ExportMeta(t("importx_tab_catalogue"), source="One Data"),
                 column_config={
                     "dataset": t("data_dataset"),
                     "rows": st.column_config.NumberColumn(t("data_rows"), format="localized"),
                     "areas": st.column_config.NumberColumn(t("data_areas"), format="localized"),
                     "first_year": t("data_first_year"),
                     "last_year": t("data_last_year"),
                     "imported_rows": st.column_config.NumberColumn(
                         t("importx_col_imported_rows"), format="localized"),
                     "batches": st.column_config.NumberColumn(t("importx_col_batches")),
                     "last_import": t("importx_col_last_import"),
                     "source": t("importx_col_source"),
                     "lineage": t("importx_col_lineage"),
                 })


@guarded
def render_templates() -> None:
    st.caption(t("importx_template_hint"))
    for kind in KINDS:
        cols = st.columns([3, 1, 1, 1, 1])
        cols[0].markdown(t(f"importx_kind_{kind}"))
        for i, (lg, fmt) in enumerate((("th", "csv"), ("th", "xlsx"), ("en", "csv"),
                                       ("en", "xlsx"))):
            build = template_csv if fmt == "csv" else template_xlsx
            cols[i + 1].download_button(
                f"{fmt.upper()} {lg.upper()}", data=build(kind, lg),
                file_name=f"template_{kind}_{lg}.{fmt}", key=f"importx_tpl_{kind}_{lg}_{fmt}",
                on_click="ignore", mime="text/csv" if fmt == "csv" else
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _failure(exc: ImportFailure) -> None:
    st.error(exc.message(lang()))


@guarded
def render_import() -> None:
    scope = current_scope()
    if not scope.may_import:
        st.info(t("importx_steward_only"))
        return
    message = st.session_state.pop(_MESSAGE, None)
    if message:
        st.success(message)
    c1, c2 = st.columns(2)
    # Labels are resolved now: format functions may run outside this session's script run.
    kinds = {k: t(f"importx_kind_{k}") for k in KINDS}
    policies = {p: t(f"importx_policy_{p}") for p in POLICIES}
    kind = c1.selectbox(t("importx_kind"), KINDS, key="importx_kind", format_func=kinds.get)
    policy = c2.radio(t("importx_policy"), POLICIES, key="importx_policy", index=2,
                      format_func=policies.get, horizontal=True)
    max_mb = max_import_bytes() // (1024 * 1024)
    upload = st.file_uploader(t("importx_file", max_mb=max_mb), type=_UPLOAD_TYPES,
                              key="importx_upload")
    if st.button(t("importx_check"), key="importx_check_btn", disabled=upload is None,
                 type="primary"):
        try:
            st.session_state[_PREVIEW] = preview_import(
                get_writer(), scope, upload.getvalue(), upload.name, kind, policy)
        except ImportFailure as exc:
            st.session_state.pop(_PREVIEW, None)
            _failure(exc)
    preview = st.session_state.get(_PREVIEW)
    if preview is not None:
        render_preview(preview)


def render_preview(preview) -> None:
    c = preview.counts
    render_kpis([Kpi(t("importx_read"), fmt_int(c["read"])),
                 Kpi(t("importx_accepted"), fmt_int(c["accepted"])),
                 Kpi(t("importx_rejected"), fmt_int(c["rejected"])),
                 Kpi(t("importx_replaced"), fmt_int(c["replaced"]))])
    n = preview.notes
    sheet = f" [{n['sheet']}]" if n.get("sheet") else ""
    first, count = int(n.get("header_row", 1)), int(n.get("header_rows", 1))
    rows = str(first) if count == 1 else f"{first}–{first + count - 1}"
    st.caption(t("importx_file_read", fmt=n.get("format", "").upper(),
                 encoding=n.get("encoding", ""), rows=rows, sheet=sheet))
    if n.get("wide_years"):
        st.caption(t("importx_wide", years=_years_text(n["wide_years"]),
                     empty=n.get("wide_empty_cells", 0)))
    if n.get("ignored_columns"):
        st.caption(t("importx_ignored", cols=", ".join(n["ignored_columns"])))
    st.markdown(t("importx_coverage", areas=fmt_int(len(preview.areas)),
                  years=_years_text(preview.years)))
    if n.get("approximate_matches"):
        st.warning(t("importx_approx") + ": " + "; ".join(
            f"{k} → {v}" for k, v in n["approximate_matches"].items()))
    if preview.existing_batch is not None:
        st.info(t("importx_already", batch=preview.existing_batch))
    if len(preview.rejected):
        st.markdown(f"**{t('importx_rejected_rows')}**")
        report = preview.rejected_report(lang())
        st.dataframe(report.head(500), hide_index=True, width="stretch", height=240,
                     column_config={"row": t("importx_row"), "reason": t("importx_reason")})
        st.download_button(t("importx_download_rejected"),
                           data=recorded(lambda: csv_bytes(report), "rejected-csv",
                                         ExportMeta(t("importx_rejected_rows"),
                                                    source=preview.file_name)),
                           file_name=f"rejected_{preview.file_name}.csv", mime="text/csv",
                           on_click="ignore", key="importx_rejected_dl")
    if len(preview.replaced):
        with st.expander(f"{t('importx_replaced_rows')} ({fmt_int(len(preview.replaced))})"):
            st.dataframe(preview.replaced.rename(columns={"__key": "key"})[["key"]].head(500),
                         hide_index=True, width="stretch")
    if len(preview.accepted):
        with st.expander(t("importx_accepted_rows")):
            shown = preview.accepted.drop(columns=[c for c in preview.accepted.columns
                                                   if c.startswith("__")])
            st.dataframe(shown.head(200), hide_index=True, width="stretch")
    b1, b2 = st.columns([1, 4])
    if b1.button(t("importx_commit", n=fmt_int(len(preview.accepted))), type="primary",
                 key="importx_commit_btn", disabled=not len(preview.accepted)):
        try:
            result = commit_import(get_writer(), current_scope(), preview)
        except ImportFailure as exc:
            _failure(exc)
            return
        data_version.clear()
        if not result.already:
            after_import(get_writer(), result.batch_id)  # rules and freshness; never raises
        st.session_state.pop(_PREVIEW, None)
        key = "importx_done_already" if result.already else "importx_done"
        st.session_state[_MESSAGE] = t(key, batch=result.batch_id, inserted=fmt_int(
            result.inserted), replaced=fmt_int(result.replaced), rejected=fmt_int(
            result.rejected))
        st.rerun()
    if b2.button(t("importx_discard"), key="importx_discard_btn"):
        st.session_state.pop(_PREVIEW, None)
        st.rerun()


@guarded
def render_batches() -> None:
    scope = current_scope()
    batches = fetch(load_batches)
    if batches.empty:
        st.info(t("importx_no_batches"))
        return
    shown = batches.assign(kind=batches.kind.map(lambda k: t(f"importx_kind_{k}")))
    render_table(shown[["batch_id", "kind", "file_name", "rows_read", "rows_accepted",
                        "rows_rejected", "rows_replaced", "policy", "imported_by", "imported_at",
                        "status", "undone_by", "sha256"]],
                 key="importx_batches", meta=ExportMeta(t("importx_tab_batches")),
                 column_config={"batch_id": t("importx_batch"), "kind": t("importx_col_kind"),
                                "file_name": t("importx_file_name"),
                                "rows_read": t("importx_read"),
                                "rows_accepted": t("importx_accepted"),
                                "rows_rejected": t("importx_rejected"),
                                "rows_replaced": t("importx_replaced"),
                                "policy": t("importx_policy"), "imported_by": t("importx_by"),
                                "imported_at": t("importx_at"), "status": t("importx_status")})
    if not scope.may_import:
        return
    ids = batches.batch_id.astype(int).tolist()
    c1, c2 = st.columns([2, 3])
    names = {int(b): f"{t('importx_batch')} {int(b)}: {f}"
             for b, f in zip(batches.batch_id, batches.file_name, strict=True)}
    chosen = c1.selectbox(t("importx_undo"), ids, key="importx_undo_pick", format_func=names.get)
    committed = chosen is not None and batches.set_index("batch_id").loc[chosen,
                                                                         "status"] == "committed"
    if c1.button(t("importx_undo_button"), key="importx_undo_btn", disabled=not committed):
        try:
            removed = undo_batch(get_writer(), scope, int(chosen))
        except ImportFailure as exc:
            _failure(exc)
        else:
            data_version.clear()
            after_import(get_writer(), None)
            st.session_state[_MESSAGE] = t("importx_undone", batch=chosen, rows=fmt_int(removed))
            st.rerun()
    if chosen is not None:
        c2.download_button(
            t("importx_batch_rejected"),
            data=recorded(lambda b=int(chosen): csv_bytes(
                load_rejections(get_writer(), current_scope(), b)), "rejected-csv",
                ExportMeta(t("importx_batch_rejected"), source=names[int(chosen)])),
            file_name=f"rejected_batch_{chosen}.csv", mime="text/csv", on_click="ignore",
            key="importx_batch_rejected_dl")


@guarded
def render_brief() -> None:
    from components import state
    from components.area_names import area_title
    from components.brief import build_province_brief

    st.caption(t("importx_brief_hint"))
    province = (state.area() or "")[:2]
    year = state.year()
    scope = current_scope()
    if not (province.isdigit() and year and scope.can_see_province(province)):
        st.info(t("importx_brief_pick"))
        return
    lg, user, address = lang(), scope.user, client_address()

    def build() -> bytes:
        # The brief leaves the app like any export: on the audit log as one, first.
        record_action("export", province, f"province brief {year} ({lg})", user=user,
                      address=address)
        return build_province_brief(get_store(), scope, province, int(year), lg)

    shown = int(year) + 543 if lg == "th" else int(year)
    st.download_button(t("importx_brief_button", name=area_title(province), year=shown),
                       data=build, file_name=f"brief_{province}_{shown}_{lg}.html",
                       mime="text/html", on_click="ignore", key="importx_brief_dl",
                       icon=":material/print:", type="primary")


def render_data_page() -> None:
    render_page_header(t("page_data"), t("data_subtitle"))
    message = st.session_state.get(_MESSAGE)
    if message and not current_scope().may_import:
        st.session_state.pop(_MESSAGE, None)
    tabs = st.tabs([t("importx_tab_catalogue"), t("importx_tab_import"),
                    t("importx_tab_batches"), t("importx_tab_templates"),
                    t("importx_tab_brief"), t("importx_tab_freshness")],
                   key="data_tab", on_change="rerun")
    with tabs[0]:
        render_catalogue()
    with tabs[1]:
        render_import()
    with tabs[2]:
        render_batches()
    with tabs[3]:
        render_templates()
    with tabs[4]:
        render_brief()
    with tabs[5]:
        from components.freshness_view import render_freshness

        if tabs[5].open:  # its map must be drawn in a visible tab (hidden, it stays 0 px high)
            render_freshness()
