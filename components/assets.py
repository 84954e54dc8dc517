"""Copies the files the app serves itself (Thai font, ...) from installed packages into static/."""

from __future__ import annotations

import shutil
import sys
from importlib import resources
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static" / "vendor"


def thai_font_path() -> Path:
    """The Noto Sans Thai TTF shipped by the PyPI package ``fontpkg-noto-sans-thai``."""
    folder = resources.files("fontpkg_noto_sans_thai") / "files"
    fonts = sorted(p for p in folder.iterdir() if p.name.endswith(".ttf"))
    if not fonts:
        raise FileNotFoundError("fontpkg-noto-sans-thai ships no TTF file")
    return Path(str(fonts[0]))


def install_assets() -> list[Path]:
    STATIC.mkdir(parents=True, exist_ok=True)
    written = []
    target = STATIC / "NotoSansThai.ttf"
    shutil.copyfile(thai_font_path(), target)
    written.append(target)
    return written


if __name__ == "__main__":
    for path in install_assets():
        print(f"asset: {path.relative_to(STATIC.parent.parent)}")
    sys.exit(0)
