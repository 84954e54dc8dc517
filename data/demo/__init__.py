"""Deterministic synthetic demo data calibrated to public Thai figures (``python -m data demo``)."""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from data.store import Store, StoreError
from domain import areas as area_registry

YEARS: tuple[int, ...] = tuple(range(2018, 2025))

# Basic-needs survey 2561 BE (2018), as used by TPMap.
NATIONAL_HOUSEHOLDS = 12_935_866
NATIONAL_PEOPLE = 36_647_817
# Villages (muban) nationally, end of 2554 BE.
NATIONAL_VILLAGES = 74_956

# Relative poverty of a province by NESDC region: the Northeast and the deep South poorest.
_REGION_POVERTY = {"C": 0.62, "E": 0.66, "N": 1.15, "NE": 1.45, "S": 0.9, "SB": 2.1}
_BANGKOK_POVERTY = 0.3
# Pattani has the highest income-poverty rate (NSO 2566 BE: 23.36 %), then Narathiwat, Yala.
_DEEP_SOUTH = {"94": 1.45, "96": 1.3, "95": 1.15}
# Songkhla and Satun are in NESDC's Southern Border region but far less poor than the deep South.
_BORDER_LESS_POOR = {"90": 0.55, "91": 0.5}


@dataclass
class DemoContext:
    """What every demo component shares: the store, scale, seed, areas and province traits."""

    store: Store
    scale: float
    seed: int
    areas: pd.DataFrame = field(default_factory=pd.DataFrame)
    provinces: pd.DataFrame = field(default_factory=pd.DataFrame)
    villages: pd.DataFrame = field(default_factory=pd.DataFrame)
    log: Callable[[str], None] = print

    def rng(self, component: str) -> np.random.Generator:
        """One independent stream per component, so adding a component changes no other."""
        return np.random.default_rng([self.seed, zlib.crc32(component.encode())])


def _province_traits(ctx: DemoContext) -> pd.DataFrame:
    rng = ctx.rng("provinces")
    prov = ctx.areas[ctx.areas.level == "province"][["code", "name_th", "name_en", "region_nesdc"]]
    prov = prov.sort_values("code").reset_index(drop=True)
    sub_counts = (
        ctx.areas[ctx.areas.level == "subdistrict"].groupby("province_code").size()
    )
    base = prov.region_nesdc.map(_REGION_POVERTY).to_numpy(dtype=float)
    base = np.where(prov.code == "10", _BANGKOK_POVERTY, base)
    noise = rng.lognormal(0.0, 0.22, len(prov))
    factor = base * noise
    for code, mult in _DEEP_SOUTH.items():
        factor[prov.index[prov.code == code][0]] = base.max() * mult
    for code, mult in _BORDER_LESS_POOR.items():
        factor[prov.index[prov.code == code][0]] *= mult
    prov["poverty_factor"] = factor
    # Development index: the inverse of poverty, standardised, used by SDG indicators.
    dev = -np.log(factor)
    prov["development"] = (dev - dev.mean()) / dev.std()
    weight = prov.code.map(sub_counts).to_numpy(dtype=float) * rng.lognormal(0, 0.15, len(prov))
    weight = np.where(prov.code == "10", weight * 0.5, weight)
    prov["household_weight"] = weight / weight.sum()
    return prov


def _villages(ctx: DemoContext) -> pd.DataFrame:
    """Villages (8-digit codes) in every subdistrict: about 75,000 at full scale."""
    from data.demo.names import village_names

    rng = ctx.rng("villages")
    subs = ctx.areas[ctx.areas.level == "subdistrict"].sort_values("code").reset_index(drop=True)
    per_sub = NATIONAL_VILLAGES / len(subs) * min(1.0, np.sqrt(ctx.scale))
    counts = np.maximum(1, rng.poisson(per_sub, len(subs)))
    counts = np.minimum(counts, 40)
    codes, parents, provs, names_th, names_en = [], [], [], [], []
    for sub_code, prov_code, n in zip(subs.code, subs.province_code, counts, strict=True):
        for i, (th, en) in enumerate(village_names(rng, int(n), urban=prov_code == "10"), start=1):
            codes.append(f"{sub_code}{i:02d}")
            parents.append(sub_code)
            provs.append(prov_code)
            names_th.append(f"{th} หมู่ที่ {i}" if prov_code != "10" else th)
            names_en.append(f"{en} (Moo {i})" if prov_code != "10" else en)
    villages = pd.DataFrame(
        {"code": codes, "level": "village", "name_th": names_th, "name_en": names_en,
         "parent_code": parents, "province_code": provs}
    )
    traits = subs.set_index("code")[["region_nesdc", "region_four", "status"]]
    villages = villages.join(traits, on="parent_code")
    return villages


def _write_reference(ctx: DemoContext) -> None:
    from data.reference import write_reference

    write_reference(ctx.store, ctx.areas)


def _components() -> list[tuple[str, Callable[[DemoContext], None]]]:
    from data.demo import action, households, partners, plans, sdg
    from data.poverty import refresh_poverty_aggregates

    # Order matters: later components read what earlier ones wrote (e.g. pre-computed
    # aggregates come last).
    return [
        ("households", households.generate),
        ("sdg", sdg.generate),
        ("partners", partners.generate),
        ("plans", plans.generate),
        ("action", action.generate),
        ("rollup", _rollup),
        ("poverty_aggregates", lambda c: refresh_poverty_aggregates(c.store)),
    ]


def _rollup(ctx: DemoContext) -> None:
    from data.rollup import refresh_household_rollup

    refresh_household_rollup(ctx.store)


def build(path: str | Path, *, scale: float = 0.01, seed: int = 2561,
          log: Callable[[str], None] = print, replace: bool = False) -> dict[str, float]:
    """Build a complete demo store at ``path`` (DuckDB).

    An existing store is replaced only with ``replace``: the build is refused up front when the
    store is in use, and the old store is backed up before the new file takes its place.
    """
    if not 0 < scale <= 1.5:
        raise StoreError("scale must be in (0, 1.5]")
    from data import backup, config
    from data.store import Store, open_store

    path = Path(path)
    if path.exists():
        if not replace:
            raise StoreError(f"a store already exists at {path}; the demo build replaces it "
                             "only with --replace (a backup of it is kept)")
        try:
            Store(f"duckdb:///{path}", create=False).close()  # refuses now if it is in use
        except StoreError as exc:
            if exc.state != "damaged":  # a damaged store is moved aside when the build is done
                raise
    config.ensure_private_dir(path.parent)
    tmp = path.with_name(path.name + ".building")
    for p in (tmp, Path(str(tmp) + ".wal")):
        if p.exists():
            p.unlink()
    timings: dict[str, float] = {}
    t_all = time.perf_counter()
    store = open_store(f"duckdb:///{tmp}")
    try:
        ctx = DemoContext(store=store, scale=scale, seed=seed, log=log)
        t = time.perf_counter()
        registry = area_registry.registry_frame()
        ctx.areas = registry
        ctx.provinces = _province_traits(ctx)
        ctx.villages = _villages(ctx)
        ctx.areas = pd.concat([registry, ctx.villages], ignore_index=True)
        _write_reference(ctx)
        timings["areas"] = time.perf_counter() - t
        log(f"areas: {len(ctx.areas):,} ({len(ctx.villages):,} villages) "
            f"in {timings['areas']:.1f} s")
        for name, generate in _components():
            t = time.perf_counter()
            generate(ctx)
            timings[name] = time.perf_counter() - t
            log(f"{name}: {timings[name]:.1f} s")
        store.execute("CHECKPOINT")
    except BaseException:
        store.close()
        tmp.unlink(missing_ok=True)
        raise
    store.close()
    backup.install_duckdb_file(tmp, path, reason="demo-replace", log=log)
    timings["total"] = time.perf_counter() - t_all
    log(f"demo store written to {path} in {timings['total']:.1f} s")
    return timings
