"""Download Thailand's COD-AB boundaries from the Humanitarian Data Exchange (CKAN API)."""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from data import config
from geo.boundaries import LEVELS
from geo.importer import COD_AB, ImportReport, import_boundaries

DEFAULT_BASE_URL = "https://data.humdata.org"
DATASET = "cod-ab-tha"
TIMEOUT_S = 60
# Formats we can import, best first: GeoJSON is plain text with no encoding trouble.
FORMAT_RANK = {"geojson": 0, "gpkg": 1, "geopackage": 1, "shp": 2, "zipped shapefile": 2,
               "shapefile": 2, "esri shapefile": 2, "geodatabase": 3, "gdb": 3}
LEVEL_HINTS = {
    "province": (r"adm1", r"admin ?1", r"province"),
    "district": (r"adm2", r"admin ?2", r"district"),
    "subdistrict": (r"adm3", r"admin ?3", r"sub-?district", r"tambon"),
}
# Resource names of line and point layers, which share the level words of the areas.
NOT_AREAS = re.compile(r"admbndl|admbndp|line|point|label|centroid|xlsx|tabular", re.I)


class FetchError(Exception):
    """The download could not be done; the message says what to do instead."""


@dataclass(frozen=True)
class Resource:
    name: str
    url: str
    format: str

    @property
    def rank(self) -> int:
        fmt = self.format.strip().lower()
        if fmt in FORMAT_RANK:
            return FORMAT_RANK[fmt]
        for key, rank in FORMAT_RANK.items():
            if key in fmt or key in self.url.lower():
                return rank
        return 99


def base_url() -> str:
    """HDX base URL; ``WARROOM_HDX_URL`` points it elsewhere (a mirror, or a test server)."""
    return str(config.get("WARROOM_HDX_URL") or DEFAULT_BASE_URL).rstrip("/")


def offline_help(reason: str) -> str:
    return (
        f"Cannot download boundaries from {base_url()}: {reason}.\n"
        "Without internet access, import a boundary file you already have instead, e.g.\n"
        "  python -m geo import tha_adm1_province_shp.zip --level province\n"
        "  python -m geo import districts.geojson --level district\n"
        "  python -m geo import subdistricts.gpkg --level subdistrict\n"
        "Shapefiles (plain or zipped), GeoJSON and GeoPackage in any coordinate system work; "
        "the COD-AB files for Thailand are at https://data.humdata.org/dataset/cod-ab-tha."
    )


def _opener(url: str) -> urllib.request.OpenerDirector:
    host = urllib.parse.urlsplit(url).hostname or ""
    if host in ("127.0.0.1", "localhost", "::1"):
        # A local server (tests, a mirror on this machine) is never reached through a proxy.
        return urllib.request.build_opener(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener()


def _get(url: str) -> urllib.request.addinfourl:
    request = urllib.request.Request(url, headers={"User-Agent": "warroom-geo/0.1"})
    try:
        return _opener(url).open(request, timeout=TIMEOUT_S)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url} answered HTTP {exc.code}") from exc
    except OSError as exc:  # URLError, timeouts and refused connections are all OSErrors
        reason = getattr(exc, "reason", exc)
        raise FetchError(offline_help(str(reason))) from exc


def package_show(dataset: str = DATASET) -> dict[str, object]:
    """The CKAN ``package_show`` result of a dataset."""
    url = f"{base_url()}/api/3/action/package_show?id={urllib.parse.quote(dataset)}"
    with _get(url) as response:
        try:
            body = json.loads(response.read().decode("utf-8"))
        except ValueError as exc:
            raise FetchError(f"{url} did not return JSON") from exc
    if not isinstance(body, dict) or not body.get("success") or "result" not in body:
        raise FetchError(f"{url}: CKAN reported no dataset {dataset!r}")
    return body["result"]


def _resources(package: dict[str, object]) -> list[Resource]:
    out = []
    for r in package.get("resources") or []:
        if not isinstance(r, dict) or not r.get("url"):
            continue
        res = Resource(str(r.get("name") or ""), str(r["url"]), str(r.get("format") or ""))
        if res.rank < 99 and not NOT_AREAS.search(res.name + " " + res.url):
            out.append(res)
    return out


def _mentions(resource: Resource, level: str) -> bool:
    text = f"{resource.name} {urllib.parse.unquote(resource.url)}".lower()
    return any(re.search(rf"(?<![a-z0-9]){hint}(?![a-z0-9])", text.replace("_", " "))
               for hint in LEVEL_HINTS[level])


def candidate_resources(package: dict[str, object]) -> dict[str, list[Resource]]:
    """Resources to try for each level, best first: files named for the level, then files
    holding every level (a zip of shapefiles, a GeoPackage with a layer per level), in format
    order. Older COD-AB releases split one zip into PART_1 and PART_2, hence a list."""
    resources = sorted(_resources(package), key=lambda r: r.rank)
    shared = [r for r in resources if not any(_mentions(r, lv) for lv in LEVELS)]
    out = {level: [r for r in resources if _mentions(r, level)] + shared for level in LEVELS}
    if not any(out.values()):
        raise FetchError("the HDX dataset lists no GeoJSON, GeoPackage or Shapefile resource")
    return out


def pick_resources(package: dict[str, object]) -> dict[str, Resource]:
    """The first resource to try for each level."""
    return {level: found[0] for level, found in candidate_resources(package).items() if found}


def licence_name(package: dict[str, object]) -> str:
    raw = str(package.get("license_title") or package.get("license_id") or "").strip()
    if raw.lower() in ("", "cc-by-igo", "creative commons attribution for intergovernmental "
                       "organisations"):
        return COD_AB["licence"]
    return raw


def download(resource: Resource, folder: Path) -> Path:
    name = Path(urllib.parse.unquote(urllib.parse.urlsplit(resource.url).path)).name
    target = folder / (name or "resource")
    with _get(resource.url) as response, target.open("wb") as fh:
        shutil.copyfileobj(response, fh)
    return target


def fetch_all(log: Callable[[str], None] = print,
              levels: tuple[str, ...] = LEVELS) -> dict[str, ImportReport]:
    """Download COD-AB Thailand from HDX and import every level; a level that fails is logged."""
    from geo.importer import BoundaryImportError

    package = package_show()
    candidates = candidate_resources(package)
    licence = licence_name(package)
    reports: dict[str, ImportReport] = {}
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="geofetch-") as tmp:
        files: dict[str, Path] = {}
        for level in levels:
            tried: list[str] = []
            for resource in candidates.get(level, []):
                if resource.url not in files:
                    log(f"downloading {resource.name or resource.url} ...")
                    folder = Path(tmp) / str(len(files))
                    folder.mkdir()
                    files[resource.url] = download(resource, folder)
                    log(f"  {files[resource.url].stat().st_size:,} bytes")
                name = resource.name or files[resource.url].name
                try:
                    reports[level] = import_boundaries(
                        files[resource.url], level,
                        source=f"{COD_AB['source']}; HDX dataset {DATASET}, resource {name}",
                        licence=licence, attribution=COD_AB["attribution"], log=log)
                    break
                except BoundaryImportError as exc:
                    tried.append(f"{name}: {exc}")
            else:
                errors.append(f"{level}: " + ("; ".join(tried) if tried
                                              else f"no resource for this level in {DATASET}"))
    for message in errors:
        log(f"error: {message}")
    if not reports:
        raise FetchError("no level was imported:\n" + "\n".join(errors))
    return reports
