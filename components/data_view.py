"""Data page rendering: catalogue, import history and undo, templates, brief (imports: import_*).

Lineage: every import batch with its file, counts, policy and undo.
"""

from __future__ import annotations

import streamlit as st

from components.audit_trail import client_address, record_action
from components.datasource import current_scope, data_version, fetch, fetch_for, get_writer
from components.export import recorded
from components.i18n import blank_missing, lang, t, t_code
from components.import_flow import render_import
from components.import_recipes import render_recipes
from components.measures_view import render_measures
from components.ui import ExportMeta, guarded, render_page_header, render_table
from data.alerts import after_import
from data.importer import KINDS, ImportFailure, load_batches, load_rejections, undo_batch
from data.importer.lineage import load_catalogue
from data.importer.templates import template_csv, template_xlsx
from domain.formatting import fmt_date, fmt_int, fmt_year
from domain.safe_text import csv_bytes, md_text

_MESSAGE = "importx_message"


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
    df["source"] = [", ".join(filter(None, [s, t("importx_shared_batches", n=n) if n else ""]))
                    or "–" for s, n in zip(df.source, df.shared_batches, strict=True)]
    df = df.drop(columns=["shared_batches"])
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
    st.error(md_text(exc.message(lang())))


@guarded
def render_batches() -> None:
    scope = current_scope()
    batches = fetch(load_batches)
    if batches.empty:
        st.info(t("importx_no_batches"))
        return
    shown = batches.assign(kind=batches.kind.map(lambda k: t(f"importx_kind_{k}")))
    # Stored codes in words ("committed", "replace"), and no "None" in an empty cell.
    for column, prefix in (("status", "importx_status_"), ("policy", "importx_policy_")):
        if column in shown:
            shown[column] = shown[column].map(lambda v, p=prefix: t_code(p, v))
    for column in ("recipe", "undone_by"):
        if column in shown:
            shown[column] = shown[column].map(blank_missing)
    columns = ["batch_id", "kind", "file_name", "rows_read", "rows_accepted", "rows_rejected",
               "rows_replaced", "policy", "recipe", "imported_by", "imported_at", "status",
               "undone_by", "sha256"]
    render_table(shown[[c for c in columns if c in shown]],
                 key="importx_batches", meta=ExportMeta(t("importx_tab_batches")),
                 column_config={"batch_id": t("importx_batch"), "kind": t("importx_col_kind"),
                                "file_name": t("importx_file_name"),
                                "rows_read": t("importx_read"),
                                "rows_accepted": t("importx_accepted"),
                                "rows_rejected": t("importx_rejected"),
                                "rows_replaced": t("importx_replaced"),
                                "policy": t("importx_policy"), "recipe": t("importx_recipe"),
                                "imported_by": t("importx_by"),
                                "imported_at": t("importx_at"), "status": t("importx_status"),
                                "undone_by": t("importx_undone_by"),
                                "sha256": t("importx_sha256")})
    if not scope.may_import:
        return
    ids = batches.batch_id.astype(int).tolist()
    c1, c2 = st.columns([2, 3])
    names = {int(b): f"{t('importx_batch')} {int(b)}: {f}"
             for b, f in zip(batches.batch_id, batches.file_name, strict=True)}
    chosen = c1.selectbox(t("importx_undo"), ids, key="importx_undo_pick", format_func=names.get)
    committed = chosen is not None and batches.set_index("batch_id").loc[chosen,
                                                                         "status"] == "committed"
    cascade = c1.checkbox(t("importx_undo_cascade"), key="importx_undo_cascade",
                          help=t("importx_undo_cascade_help"))
    if c1.button(t("importx_undo_button"), key="importx_undo_btn", disabled=not committed):
        try:
            removed = undo_batch(get_writer(), scope, int(chosen), cascade=cascade)
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
    from components.brief import build_brief_html
    from data.brief import load_province_brief

    st.caption(t("importx_brief_hint"))
    province = (state.area() or "")[:2]
    year = state.year()
    scope = current_scope()
    if not scope.may_export:
        # The brief leaves the app like any export: it follows the role table's export right.
        st.info(t("importx_brief_not_allowed"))
        return
    if not (province.isdigit() and year and scope.can_see_province(province)):
        st.info(t("importx_brief_pick"))
        return
    lg, user, address = lang(), scope.user, client_address()

    def build() -> bytes:
        # The brief leaves the app like any export: on the audit log as one, first.
        record_action("export", province, f"province brief {year} ({lg})", user=user,
                      address=address)
        # Cached like every query, under the user's rights (a deferred download has no
        # session, so the scope is passed).
        return build_brief_html(fetch_for(scope, load_province_brief, province, int(year)), lg)

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
                    t("importx_tab_batches"), t("importx_tab_recipes"),
                    t("importx_tab_measures"), t("importx_tab_templates"),
                    t("importx_tab_brief"), t("importx_tab_freshness")],
                   key="data_tab", on_change="rerun")
    with tabs[0]:
        render_catalogue()
    with tabs[1]:
        render_import()
    with tabs[2]:
        render_batches()
    with tabs[3]:
        render_recipes()
    with tabs[4]:
        render_measures()
    with tabs[5]:
        render_templates()
    with tabs[6]:
        render_brief()
    with tabs[7]:
        from components.freshness_view import render_freshness

        if tabs[7].open:  # its map must be drawn in a visible tab (hidden, it stays 0 px high)
            render_freshness()
