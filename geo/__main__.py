"""Command line of the boundaries: ``python -m geo import | restore | reset | fetch | status``."""

from __future__ import annotations

import argparse
import json
import sys

from geo.boundaries import LEVELS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geo", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    imp = sub.add_parser("import", help="install boundaries of one level from a file (the "
                                        "file's units replace the same units; others are kept)")
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
    imp.add_argument("--replace", action="store_true",
                     help="make the level exactly this file: units it lacks are no longer "
                          "drawn (default: merge, keeping every unit the file lacks)")
    imp.add_argument("--force", action="store_true",
                     help="install a file that looks like another level, lies elsewhere than "
                          "its codes' units, or (with --replace) covers few of the level's units")
    restore = sub.add_parser("restore", help="bring back the layer an import, restore or reset "
                                             "replaced (the newest backup)")
    restore.add_argument("level", choices=LEVELS)
    restore.add_argument("--backup", default=None, help="restore this backup id instead")
    restore.add_argument("--list", action="store_true", help="list the backups, change nothing")
    reset = sub.add_parser("reset", help="go back to the built-in boundaries of a level (the "
                                         "installed ones are backed up)")
    reset.add_argument("level", choices=LEVELS)
    reset.add_argument("--force", action="store_true",
                       help="remove the installed boundaries even without a built-in layer")
    fetch = sub.add_parser("fetch", help="download COD-AB Thailand from HDX and import it")
    fetch.add_argument("--level", action="append", choices=LEVELS,
                       help="only these levels (default: all)")
    sub.add_parser("status", help="print the boundaries of every level as JSON")
    return parser


def _run(args: argparse.Namespace) -> int:
    if args.command == "import":
        from geo.importer import import_boundaries

        import_boundaries(args.file, args.level, source=args.source, licence=args.licence,
                          attribution=args.attribution, layer=args.layer, crs=args.crs,
                          keep_abolished=args.keep_abolished, replace=args.replace,
                          force=args.force, log=print)
    elif args.command == "restore":
        from geo import layers

        if args.list:
            print(json.dumps(layers.list_backups(args.level), indent=2, ensure_ascii=False))
        else:
            layers.restore(args.level, args.backup, log=print)
    elif args.command == "reset":
        from geo import layers

        if not layers.reset(args.level, force=args.force, log=print)["changed"]:
            return 1
    elif args.command == "fetch":
        from geo.fetch import fetch_all

        fetch_all(log=print, levels=tuple(args.level or LEVELS))
    else:
        from geo.importer import status

        print(json.dumps(status(), indent=2, ensure_ascii=False))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from geo.fetch import FetchError
    from geo.importer import BoundaryImportError
    from geo.layers import LayerError

    try:
        return _run(args)
    except (BoundaryImportError, FetchError, LayerError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the data directory is not writable
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
