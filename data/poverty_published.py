"""Published poverty figures (TPMap, basic-needs survey reports) by area: drill-down, trend, and
the comparison with figures computed from household records."""

from __future__ import annotations

import pandas as pd

from data.area_filter import area_predicate
from data.poverty_measures import published_measures
from data.queries import area_name_map, target_poor_by_child
from data.scope import AccessScope
from data.store import Store

_CHILD_WIDTH = {0: 2, 2: 4, 4: 6, 6: 8, 8: 8}


def _hidden(scope: AccessScope, area_code: str) -> bool:
    return scope.is_empty or (bool(area_code) and not area_code.startswith("R:")
                              and not scope.can_see_province(area_code))


def load_published_years(store: Store, scope: AccessScope) -> list[int]:
    """Years with published figures in the user's provinces, oldest first."""
    where, params = scope.sql_filter("province_code")
    return [int(r[0]) for r in store.rows(
        f"SELECT DISTINCT year FROM poverty_published WHERE {where} ORDER BY 1", params)]


def _rows(store: Store, scope: AccessScope, area_code: str, width: int,
          year: int | None) -> pd.DataFrame:
    where, params = scope.sql_filter("province_code")
    cond, args = area_predicate(area_code, column="area_code")
    sql = ("SELECT area_code, year, measure, value, source FROM poverty_published "
           f"WHERE {where} AND {cond} AND length(area_code) = ?")
    args = [*params, *args, width]
    if year is not None:
        sql += " AND year = ?"
        args.append(int(year))
    return store.query(sql + " ORDER BY area_code, year, measure", args)


def _wide(rows: pd.DataFrame, index: list[str]) -> pd.DataFrame:
    """One column per measure (in the vocabulary's order) and the sources joined."""
    order = [code for code, *_ in published_measures()]
    values = rows.pivot_table(index=index, columns="measure", values="value", aggfunc="sum")
    values = values[[c for c in order if c in values.columns]]
    sources = rows.groupby(index)["source"].agg(lambda s: "; ".join(sorted(set(s))))
    return values.join(sources).reset_index()


def published_by_child(store: Store, scope: AccessScope, area_code: str,
                       year: int) -> pd.DataFrame:
    """Each child unit's published figures in ``year`` (provinces under the country or a
    region), with names: code, name_th, name_en, one column per measure, source."""
    if _hidden(scope, area_code):
        return pd.DataFrame(columns=["code", "name_th", "name_en", "source"])
    width = 2 if not area_code or area_code.startswith("R:") else _CHILD_WIDTH[len(area_code)]
    rows = _rows(store, scope, area_code, width, year)
    if rows.empty or (area_code and len(area_code) == 8):
        return pd.DataFrame(columns=["code", "name_th", "name_en", "source"])
    out = _wide(rows, ["area_code"]).rename(columns={"area_code": "code"})
    names = area_name_map(store)
    out.insert(1, "name_th", [names.get(c, (None, None))[0] for c in out.code])
    out.insert(2, "name_en", [names.get(c, (None, None))[1] for c in out.code])
    return out


def published_area(store: Store, scope: AccessScope, area_code: str,
                   year: int | None = None) -> pd.DataFrame:
    """The area's own published figures by year, or the sum of its children where it has no
    row of its own: year, one column per measure, source, basis ('own' or 'children')."""
    empty = pd.DataFrame(columns=["year", "source", "basis", "units"])
    if _hidden(scope, area_code):
        return empty
    frames = []
    if area_code and not area_code.startswith("R:"):
        own = _rows(store, scope, area_code, len(area_code), year)
        own = own[own.area_code == area_code]
        if not own.empty:
            frames.append(_wide(own, ["year"]).assign(basis="own", units=1))
    done = set(frames[0].year) if frames else set()
    if not area_code or area_code.startswith("R:") or len(area_code) < 8:
        width = 2 if not area_code or area_code.startswith("R:") else len(area_code) + 2
        kids = _rows(store, scope, area_code, width, year)
        kids = kids[~kids.year.isin(done)]
        if not kids.empty:
            units = kids.groupby("year").area_code.nunique()
            summed = _wide(kids, ["year"])
            frames.append(summed.assign(basis="children", units=summed.year.map(units)))
    if not frames:
        return empty
    return pd.concat(frames, ignore_index=True).sort_values("year").reset_index(drop=True)


def published_vs_computed(store: Store, scope: AccessScope, area_code: str,
                          year: int) -> pd.DataFrame:
    """Target poor people per child unit: published and computed from household records,
    with the difference (computed minus published) and its share of the published figure."""
    pub = published_by_child(store, scope, area_code, year)
    if pub.empty or "target_poor_people" not in pub:
        return pd.DataFrame(columns=["code", "name_th", "name_en", "published", "computed",
                                     "difference", "difference_pct"])
    computed = target_poor_by_child(store, scope, area_code if not area_code.startswith("R:")
                                    else "", year)
    comp = dict(zip(computed.code.astype(str), computed.target_poor_people, strict=True))
    out = pub[["code", "name_th", "name_en"]].copy()
    out["published"] = pub["target_poor_people"].astype(float)
    out["computed"] = out.code.map(comp).astype(float)
    out["difference"] = out.computed - out.published
    out["difference_pct"] = (out.difference / out.published.where(out.published != 0) * 100
                             ).round(1)
    return out
