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
