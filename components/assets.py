"""Copies the files the app serves itself (Thai font, Leaflet) into static/vendor (no CDN at run time),
and compiles the app's own modules once (``__pycache__``), so a fresh process does not."""

from __future__ import annotations

import base64
import compileall
import hashlib
import io
import shutil
import sys
import tarfile
import urllib.request
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from data import config

STATIC = Path(__file__).resolve().parent.parent / "static" / "vendor"


def _cache_dir() -> Path:
    """Downloaded npm tarballs are kept here so `make assets` works offline after the first run."""
    return Path(config.get("WARROOM_ASSET_CACHE"))


@dataclass(frozen=True)
class NpmAsset:
    """Files taken from one pinned npm package, checked against the registry's integrity hash."""

    name: str
    version: str
    integrity: str
    files: dict[str, str]  # path inside the tarball -> path under static/vendor

    @property
    def url(self) -> str:
        return f"https://registry.npmjs.org/{self.name}/-/{self.name}-{self.version}.tgz"


LEAFLET = NpmAsset(
    "leaflet", "1.9.4",
    "sha512-nxS1ynzJOmOlHp+iL3FyWqK89GtNL8U8rvlMOsQdTTssxZwCXh8N2NB3GDQOL+YR3XnWyZAxwQixURb+FA74PA==",
    {"package/dist/leaflet.js": "leaflet/leaflet.js",
     "package/dist/leaflet.css": "leaflet/leaflet.css",
     "package/dist/images/layers.png": "leaflet/images/layers.png",
     "package/dist/images/layers-2x.png": "leaflet/images/layers-2x.png",
     "package/dist/images/marker-icon.png": "leaflet/images/marker-icon.png",
     "package/dist/images/marker-icon-2x.png": "leaflet/images/marker-icon-2x.png",
     "package/dist/images/marker-shadow.png": "leaflet/images/marker-shadow.png",
     "package/LICENSE": "leaflet/LICENSE"})

NPM_ASSETS = (LEAFLET,)


def thai_font_path() -> Path:
    """The Noto Sans Thai TTF shipped by the PyPI package ``fontpkg-noto-sans-thai``."""
    folder = resources.files("fontpkg_noto_sans_thai") / "files"
    fonts = sorted(p for p in folder.iterdir() if p.name.endswith(".ttf"))
    if not fonts:
        raise FileNotFoundError("fontpkg-noto-sans-thai ships no TTF file")
    return Path(str(fonts[0]))


def _integrity(blob: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(blob).digest()).decode()


def fetch_npm(asset: NpmAsset) -> bytes:
    """The package tarball from the cache or the npm registry, verified against its integrity."""
    cached = _cache_dir() / f"{asset.name}-{asset.version}.tgz"
    if cached.exists() and _integrity(cached.read_bytes()) == asset.integrity:
        return cached.read_bytes()
    try:
        with urllib.request.urlopen(asset.url, timeout=60) as r:  # noqa: S310 - pinned https URL
            blob = r.read()
    except OSError as exc:
        raise SystemExit(f"cannot download {asset.url} ({exc}); copy the tarball to {cached} "
                         "and run `make assets` again") from exc
    if _integrity(blob) != asset.integrity:
        raise SystemExit(f"{asset.url}: checksum mismatch, refusing to install it")
    _cache_dir().mkdir(parents=True, exist_ok=True)
    cached.write_bytes(blob)
    return blob


def install_npm(asset: NpmAsset) -> list[Path]:
    stamp = STATIC / asset.name / ".version"
    targets = [STATIC / rel for rel in asset.files.values()]
    if stamp.exists() and stamp.read_text().strip() == asset.integrity and all(
            p.exists() for p in targets):
        return targets
    blob = fetch_npm(asset)
    written = []
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as tar:
        for inside, rel in asset.files.items():
            member = tar.extractfile(inside)
            if member is None:
                raise SystemExit(f"{asset.name}-{asset.version}: {inside} missing")
            target = STATIC / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(member.read())
            written.append(target)
    stamp.write_text(asset.integrity + "\n")
    return written


def leaflet_ready() -> bool:
    return all((STATIC / rel).exists() for rel in LEAFLET.files.values())


def install_assets() -> list[Path]:
    STATIC.mkdir(parents=True, exist_ok=True)
    written = []
    target = STATIC / "NotoSansThai.ttf"
    shutil.copyfile(thai_font_path(), target)
    written.append(target)
    for asset in NPM_ASSETS:
        try:
            written.extend(install_npm(asset))
        except SystemExit as exc:
            # The app still runs: maps fall back to static plotly images until this is fixed.
            print(f"warning: {exc}", file=sys.stderr)
    return written


REPO = STATIC.parent.parent
# The app's own code; its pages (app_pages/) are run by Streamlit from source, not imported.
APP_PACKAGES = ("components", "data", "domain", "geo", "deploy")


def compile_app() -> bool:
    """Write the bytecode of the app's modules. Python reads it even where it is told not to
    write any (``PYTHONDONTWRITEBYTECODE``): there every fresh process compiled about a
    hundred modules of its first page run again (0.3-0.6 s of CPU of a cold start). A source
    newer than its bytecode is compiled afresh, so stale files only cost that time."""
    ok = all(compileall.compile_dir(REPO / name, quiet=1) for name in APP_PACKAGES)
    return ok and all(compileall.compile_file(REPO / name, quiet=1)
                      for name in ("app.py", "serve.py"))


if __name__ == "__main__":
    for path in install_assets():
        print(f"asset: {path.relative_to(STATIC.parent.parent)}")
    if not compile_app():
        print("warning: some modules did not compile", file=sys.stderr)
    sys.exit(0)
