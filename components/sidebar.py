"""The shared sidebar: language switch, area picker (region > province > district), year (BE)."""

from __future__ import annotations

import streamlit as st

from components import state
from components.datasource import current_scope, fetch, get_store
from components.i18n import lang, name_col, set_language, t
from data.queries import area_name_map, load_areas, load_regions, load_years
from data.scope import AccessScope
from data.store import Store
from domain import areas as area_registry
from domain.formatting import fmt_year


def _area_from_widgets() -> str:
    district = st.session_state.get("pick_district") or ""
    province = st.session_state.get("pick_province") or ""
    region = st.session_state.get("pick_region") or ""
    return district or province or (f"R:{region}" if region else "")


def _on_region() -> None:
    st.session_state.pick_province = ""
    st.session_state.pick_district = ""
    st.session_state.area = _area_from_widgets()


def _on_province() -> None:
    st.session_state.pick_district = ""
    st.session_state.area = _area_from_widgets()


def _on_district() -> None:
    st.session_state.area = _area_from_widgets()


def _widgets_from_area(code: str) -> None:
    """Point the pickers at ``code`` (from the URL or a click on a page)."""
    region = province = district = ""
    if code.startswith("R:"):
        region = code[2:]
    elif code:
        province = code[:2]
        region = area_registry.region_of(province, "nesdc")
        district = code[:4] if len(code) >= 4 else ""
    st.session_state.pick_region = region
    st.session_state.pick_province = province
    st.session_state.pick_district = district


def visible_area(code: str) -> bool:
    """Whether an area code exists in the registry and lies inside the user's scope."""
    scope = current_scope()
    if code.startswith("R:"):
        region = next((r for r in area_registry.REGIONS_NESDC if r.code == code[2:]), None)
        # A user of some provinces gets a region only where it holds one of them (and sees
        # only that part of it: every query is scoped, and the title says so).
        return region is not None and (scope.all_provinces or bool(
            set(region.provinces) & set(scope.provinces or ())))
    if len(code) not in (2, 4, 6, 8) or not code.isdigit():
        return False
    # A well-formed code is not enough: "99" or "1099" name no area (and has no region).
    return scope.can_see_province(code[:2]) and code in area_name_map(get_store())


def _labels(df, empty: str, language: str) -> dict[str, str]:
    """Option labels with both names, so that typing Thai or English finds the area.

    Labels are computed up front: a format function must not read session state later.
    Columns as Python lists: iterating pandas' Arrow strings and ``df.code`` (a name looked up
    in an index rebuilt for every copy the cache hands out) cost 0.8-1.0 ms a call, 0.5 here.
    """
    first, second = ("name_th", "name_en") if language == "th" else ("name_en", "name_th")
    labels = {"": empty}
    labels.update({c: f"{a} · {b}" for c, a, b in zip(df["code"].tolist(),
                                                        df[first].tolist(),
                                                        df[second].tolist(), strict=True)})
    return labels


def _area_labels(store: Store, scope: AccessScope, level: str, parent: str, region: str,
                 language: str, empty: str) -> dict[str, str]:
    """A level's option labels (``_labels``), optionally of one parent or region, for
    ``fetch``: a cache hit then copies a small dict instead of a DataFrame, and the labels are
    not rebuilt on every run (the sidebar is drawn on every run of every page)."""
    areas = load_areas(store, scope, level, parent or None)
    if region:
        areas = areas[areas["region_nesdc"] == region]
    return _labels(areas, empty, language)


def _region_labels(store: Store, scope: AccessScope, column: str,
                   empty: str) -> dict[str, str]:
    """The region picker's labels, for ``fetch`` (see ``_area_labels``)."""
    regions = load_regions(store, scope)
    labels = {"": empty}
    labels.update(zip(regions["code"].tolist(), regions[column].tolist(), strict=True))
    return labels


def render_sidebar() -> None:
    """Draw the sidebar and settle ``state.area()`` and ``state.year()`` for this run."""
    with st.sidebar:
        st.segmented_control(
            t("language"), options=["th", "en"], key="lang", selection_mode="single",
            format_func={"th": "ไทย", "en": "English"}.__getitem__,
        )
        if not st.session_state.get("lang"):
            set_language("th")

        own = current_scope().provinces
        # A user of one province starts on it, not on a "Thailand" that is only theirs.
        code = state.initial_area(visible_area, next(iter(own)) if own and len(own) == 1 else "")
        if not visible_area(code):
            st.session_state.area = code = ""
        if not st.session_state.get("_area_widgets_set"):
            _widgets_from_area(code)
            st.session_state._area_widgets_set = True

        scope = current_scope()
        language = lang()
        region = st.session_state.get("pick_region") or ""
        if scope.all_provinces:
            region_labels = fetch(_region_labels, name_col(), t("all_regions"))
            st.selectbox(t("region"), list(region_labels), key="pick_region",
                         on_change=_on_region, format_func=region_labels.__getitem__)
        prov_labels = fetch(_area_labels, "province", "", region, language,
                            t("all_provinces"))
        if st.session_state.get("pick_province") not in prov_labels:
            st.session_state.pick_province = ""
        st.selectbox(t("province"), list(prov_labels), key="pick_province",
                     on_change=_on_province, format_func=prov_labels.__getitem__,
                     help=t("area_search_help"))
        province = st.session_state.get("pick_province") or ""
        if province:
            dist_labels = fetch(_area_labels, "district", province, "", language,
                                t("all_districts"))
            if st.session_state.get("pick_district") not in dist_labels:
                st.session_state.pick_district = ""
            st.selectbox(t("district"), list(dist_labels), key="pick_district",
                         on_change=_on_district, format_func=dist_labels.__getitem__)
        years = fetch(load_years)
        state.initial_year(years)
        if years:
            year_labels = {y: fmt_year(y, language) for y in sorted(years, reverse=True)}
            st.selectbox(t("year_be"), list(year_labels), key="year",
                         format_func=year_labels.__getitem__)
