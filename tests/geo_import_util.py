"""Tiny boundary files for the import tests: a few boxes where real areas are, in any format."""

from __future__ import annotations

import zipfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Polygon, box

# Boxes roughly where these provinces are (lon/lat), small enough to stay inside them.
PROVINCE_BOXES = {
    "10": box(100.45, 13.65, 100.65, 13.85),   # Bangkok
    "50": box(98.85, 18.70, 99.05, 18.90),     # Chiang Mai
    "96": box(101.70, 6.30, 101.90, 6.50),     # Narathiwat
}
NAMES_TH = {"10": "กรุงเทพมหานคร", "50": "เชียงใหม่", "96": "นราธิวาส"}
NAMES_EN = {"10": "Bangkok", "50": "Chiang Mai", "96": "Narathiwat"}


def provinces(crs: str | int = 4326) -> gpd.GeoDataFrame:
    """Three provinces with COD-AB style columns, reprojected to ``crs``."""
    codes = list(PROVINCE_BOXES)
    gdf = gpd.GeoDataFrame(
        {"ADM1_PCODE": [f"TH{c}" for c in codes],
         "ADM1_TH": [NAMES_TH[c] for c in codes],
         "ADM1_EN": [NAMES_EN[c] for c in codes]},
        geometry=list(PROVINCE_BOXES.values()), crs=4326)
    return gdf.to_crs(crs)


def bowtie(x: float, y: float, d: float = 0.1) -> Polygon:
    """A self-intersecting ring (invalid), as digitising errors leave them."""
    return Polygon([(x, y), (x + d, y + d), (x + d, y), (x, y + d), (x, y)])


def write_shapefile(gdf: gpd.GeoDataFrame, folder: Path, name: str, *,
                    encoding: str = "UTF-8", cpg: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.shp"
    gdf.to_file(path, encoding=encoding)
    if not cpg:
        path.with_suffix(".cpg").unlink(missing_ok=True)
    return path


def zip_shapefile(shp: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as zf:
        for part in shp.parent.glob(shp.stem + ".*"):
            zf.write(part, arcname=part.name)
    return target


def cod_ab_districts(province: str = "10", shared: Path | None = None) -> gpd.GeoDataFrame:
    """One province's districts as an OCHA COD-AB ADM2 layer (P-codes with TH, validOn).

    Geometry from ../shared/geo when given, else from the built-in layer (also COD-AB).
    """
    import geothai

    from geo import boundaries

    if shared is not None:
        src = gpd.read_file(shared / "tha_adm2_districts_full.geojson")
    else:
        src = boundaries.load_builtin("district")
    part = src[src["code"].str[:2] == province].sort_values("code")
    names = {d.code: d for d in geothai.districts(province)}
    return gpd.GeoDataFrame(
        {"ADM2_EN": [names[c].name_en for c in part["code"]],
         "ADM2_TH": [names[c].name_th for c in part["code"]],
         "ADM2_PCODE": ["TH" + c for c in part["code"]],
         "ADM1_PCODE": f"TH{province}", "ADM0_PCODE": "TH",
         "date": "2019-02-18", "validOn": "2022-01-22"},
        geometry=part.geometry.to_numpy(), crs=4326)


def cod_ab_zip(gdf: gpd.GeoDataFrame, folder: Path, name: str) -> Path:
    """A zipped COD-AB style shapefile without a .cpg, as HDX ships them."""
    level = "adm2" if "ADM2_PCODE" in gdf else "adm1"
    shp = write_shapefile(gdf, folder / name, f"tha_admbnda_{level}_rtsd_20220121", cpg=False)
    return zip_shapefile(shp, folder / f"{name}.zip")
