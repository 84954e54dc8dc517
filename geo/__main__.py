"""Command line of the boundaries: ``python -m geo import FILE --level L | fetch | status``."""

from __future__ import annotations

import argparse
import json
import sys

from geo.boundaries import LEVELS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="install boundaries of one level from a file")
    imp.add_argument("file", help="GeoJSON, GeoPackage, Shapefile (.shp or a .zip of one)")
    imp.add_argument("--level", required=True, choices=LEVELS)
    imp.add_argument("--layer", default=None, help="layer of a GeoPackage with several")
    imp.add_argument("--crs", default=None,
                     help="CRS of a file without one (missing .prj), e.g. EPSG:32647")
    imp.add_argument("--source", default=None, help="where the file comes from (shown in app)")
    imp.add_argument("--licence", default=None, help="licence of the file, e.g. CC BY 3.0 IGO")
    imp.add_argument("--attribution", default=None, help="attribution line for the map")
    imp.add_argument("--keep-abolished", action="store_true",
                     help="keep polygons of abolished codes (under the old code) instead of "
                          "leaving them out")
    fetch = sub.add_parser("fetch", help="download COD-AB Thailand from HDX and import it")
    fetch.add_argument("--level", action="append", choices=LEVELS,
                       help="only these levels (default: all)")
    sub.add_parser("status", help="print the installed boundaries as JSON")
    args = parser.parse_args(argv)

    from geo.fetch import FetchError
    from geo.importer import BoundaryImportError

    try:
        if args.command == "import":
            from geo.importer import import_boundaries

            import_boundaries(args.file, args.level, source=args.source, licence=args.licence,
                              attribution=args.attribution, layer=args.layer, crs=args.crs,
                              keep_abolished=args.keep_abolished, log=print)
        elif args.command == "fetch":
            from geo.fetch import fetch_all

            fetch_all(log=print, levels=tuple(args.level or LEVELS))
        else:
            from geo.importer import status

            print(json.dumps(status(), indent=2, ensure_ascii=False))
    except (BoundaryImportError, FetchError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the data directory is not writable
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
