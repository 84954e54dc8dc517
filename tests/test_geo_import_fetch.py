"""`python -m geo fetch` against a CKAN-like server on 127.0.0.1, and its offline message."""

from __future__ import annotations

import json
import socket
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import box

from geo import __main__ as cli
from geo.boundaries import installed_path
from geo.fetch import FetchError, fetch_all, pick_resources
from geo.importer import installed_meta
from tests.geo_import_util import provinces, write_shapefile, zip_shapefile


def _districts() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"ADM2_PCODE": ["TH1001", "TH5001"], "ADM1_PCODE": ["TH10", "TH50"],
         "validOn": ["2022-01-22", "2022-01-22"]},
        geometry=[box(100.49, 13.74, 100.51, 13.76), box(98.95, 18.75, 99.0, 18.8)], crs=4326)


def _subdistricts() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"ADM3_PCODE": ["TH100101", "TH500101"], "validOn": ["2022-01-22", "2022-01-22"]},
        geometry=[box(100.489, 13.75, 100.494, 13.755), box(98.982, 18.79, 98.99, 18.8)],
        crs=4326)


@pytest.fixture()
def hdx(tmp_path, monkeypatch):
    """A tiny HDX: package_show for cod-ab-tha, a zipped shapefile and two GeoJSON files."""
    files = tmp_path / "served"
    files.mkdir()
    adm1 = provinces()
    adm1["validOn"] = "2022-01-22"
    shp = write_shapefile(adm1, tmp_path / "shp", "tha_admbnda_adm1_rtsd_20220121", cpg=False)
    zip_shapefile(shp, files / "tha_adm1_shp.zip")
    _districts().to_file(files / "tha_admbnda_adm2.geojson")
    _subdistricts().to_file(files / "tha_admbnda_adm3.geojson")
    requests: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            requests.append(self.path)
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path.startswith("/api/3/action/package_show?id=cod-ab-tha"):
                body = json.dumps({"success": True, "result": {
                    "name": "cod-ab-tha", "license_title": "cc-by-igo",
                    "resources": [
                        {"name": "tha_adminboundaries_tabulardata.xlsx", "format": "XLSX",
                         "url": f"{base}/files/tabular.xlsx"},
                        {"name": "tha_admbndl_admALL lines", "format": "SHP",
                         "url": f"{base}/files/lines.zip"},
                        {"name": "Admin 1 shapefile", "format": "SHP",
                         "url": f"{base}/files/tha_adm1_shp.zip"},
                        {"name": "tha_admbnda_adm2.geojson", "format": "GeoJSON",
                         "url": f"{base}/files/tha_admbnda_adm2.geojson"},
                        {"name": "tha_admbnda_adm3.geojson", "format": "GeoJSON",
                         "url": f"{base}/files/tha_admbnda_adm3.geojson"},
                    ]}}).encode()
            elif self.path.startswith("/files/") and (files / self.path[7:]).is_file():
                body = (files / self.path[7:]).read_bytes()
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("WARROOM_HDX_URL", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path / "data"))
    yield requests
    server.shutdown()
    server.server_close()


def test_fetch_imports_every_level(hdx):
    log: list[str] = []
    reports = fetch_all(log=log.append)
    assert {lv: r.matched for lv, r in reports.items()} == {
        "province": 3, "district": 2, "subdistrict": 2}
    assert reports["province"].mojibake_repaired
    for level in ("province", "district", "subdistrict"):
        assert installed_path(level).exists()
        meta = installed_meta(level)
        assert meta["licence"] == "CC BY 3.0 IGO" and "cod-ab-tha" in meta["source"]
        assert "Royal Thai Survey Department" in meta["attribution"]
    assert installed_meta("province")["file"] == "tha_adm1_shp.zip"
    assert not any("lines" in p or "tabular" in p for p in hdx)
    assert any(line.startswith("downloading Admin 1 shapefile") for line in log)


def test_fetch_cli_and_status(hdx, capsys):
    assert cli.main(["fetch", "--level", "district"]) == 0
    assert "district:" in capsys.readouterr().out
    assert cli.main(["status"]) == 0
    got = json.loads(capsys.readouterr().out)
    district = got["levels"]["district"]
    assert got["installed"] == ["district"] and district["installed_features"] == 2
    # Merged over the built-in layer: the 2 imported districts and 926 built-in ones.
    assert district["origin"] == "mixed" and district["features"] == 928


def test_split_zips_are_tried_in_turn(tmp_path, monkeypatch):
    """Old COD-AB releases: PART_1 holds provinces and districts, PART_2 the subdistricts."""
    served = tmp_path / "served"
    parts = {"tha_adm_rtsd_itos_20190221_SHP_PART_1.zip": (provinces(), _districts()),
             "tha_adm_rtsd_itos_20190221_SHP_PART_2.zip": (_subdistricts(),)}
    for name, frames in parts.items():
        folder = tmp_path / name
        for gdf in frames:
            n = 1 if "ADM1_PCODE" in gdf and "ADM2_PCODE" not in gdf else (
                2 if "ADM2_PCODE" in gdf else 3)
            write_shapefile(gdf, folder, f"tha_admbnda_adm{n}_rtsd_20190221")
        served.mkdir(exist_ok=True)
        with zipfile.ZipFile(served / name, "w") as zf:
            for part in folder.iterdir():
                zf.write(part, arcname=part.name)
    server, port = _serve(served, list(parts))
    try:
        monkeypatch.setenv("WARROOM_HDX_URL", f"http://127.0.0.1:{port}")
        monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path / "data"))
        reports = fetch_all(log=lambda _m: None)
    finally:
        server.shutdown()
        server.server_close()
    assert {lv: r.matched for lv, r in reports.items()} == {
        "province": 3, "district": 2, "subdistrict": 2}
    assert installed_meta("subdistrict")["file"].endswith("PART_2.zip")


def _serve(folder: Path, names: list[str]) -> tuple[ThreadingHTTPServer, int]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if self.path.startswith("/api/3/action/package_show"):
                body = json.dumps({"success": True, "result": {"resources": [
                    {"name": n, "format": "SHP", "url": f"{base}/{n}"} for n in names]}}).encode()
            elif (folder / self.path.lstrip("/")).is_file():
                body = (folder / self.path.lstrip("/")).read_bytes()
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def test_one_file_for_every_level_is_picked_for_each():
    package = {"resources": [
        {"name": "tha_adm_rtsd_itos_20210121_SHP.zip", "format": "SHP",
         "url": "https://x/tha_adm_rtsd_itos_20210121_SHP.zip"},
        {"name": "tha_adm_rtsd_itos_20210121.gpkg", "format": "GeoPackage",
         "url": "https://x/tha.gpkg"},
        {"name": "tha_adm_rtsd_itos_20210121.emf", "format": "EMF", "url": "https://x/a.emf"}]}
    picked = pick_resources(package)
    assert {lv: r.format for lv, r in picked.items()} == {
        "province": "GeoPackage", "district": "GeoPackage", "subdistrict": "GeoPackage"}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_offline_says_how_to_import_a_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WARROOM_HDX_URL", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("WARROOM_DATA_DIR", str(tmp_path / "data"))
    with pytest.raises(FetchError, match="python -m geo import"):
        fetch_all(log=lambda _m: None)
    assert cli.main(["fetch"]) == 2
    err = capsys.readouterr().err
    assert "Cannot download boundaries" in err and "--level province" in err
    assert "Traceback" not in err
    assert not Path(tmp_path / "data" / "boundaries").exists()
