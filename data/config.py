"""Every setting the War Room reads from the environment, in one registry: name, type, default,
bounds and help text (the README's settings table is generated from it)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("warroom")

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class Setting:
    """One environment variable. ``default`` may be a function (a default derived from others).

    Every setting behaves the same on a bad value: the server log says so and the default is
    used (a typo must not take the service down, nor silently switch a safety off).
    """

    name: str
    kind: str  # "text", "path", "bool", "int", "float"
    default: Any
    help: str
    default_text: str = ""
    minimum: float | None = None
    maximum: float | None = None
    group: str = "server"  # or "development": benchmarks and tests only
    # Never printed (``python -m data settings`` shows *** when it is set).
    secret: bool = False

    def parse(self, raw: str) -> Any:
        if self.kind == "bool":
            word = raw.lower()
            if word in _TRUE:
                return True
            if word in _FALSE:
                return False
            raise ValueError("not one of 1/0, true/false, yes/no, on/off")
        if self.kind in ("int", "float"):
            value = int(raw) if self.kind == "int" else float(raw)
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"below the minimum {self.minimum:g}")
            if self.maximum is not None and value > self.maximum:
                raise ValueError(f"above the maximum {self.maximum:g}")
            return value
        if self.kind == "path":
            return Path(raw).expanduser()
        return raw

    def default_value(self) -> Any:
        return self.default() if callable(self.default) else self.default


def _default_slots() -> int:
    return max(2, os.cpu_count() or 2)


def _default_db() -> str:
    return f"duckdb:///{data_dir() / 'warroom.duckdb'}"


SETTINGS: tuple[Setting, ...] = (
    Setting("WARROOM_DATA_DIR", "path", lambda: REPO_ROOT / "var",
            "git-ignored directory for the store, installed boundaries, backups and logs "
            "(created readable by the service account only)", "`./var`"),
    Setting("WARROOM_DB", "text", _default_db,
            "store: a DuckDB file path, `duckdb:///path` or `postgresql://...`",
            "`$WARROOM_DATA_DIR/warroom.duckdb`"),
    Setting("WARROOM_PRIMARY_DB", "text", "",
            "where a read-only replica writes accounts, the audit log and imports (the primary "
            "it replicates); without it a read-only app signs nobody in", "the store itself"),
    Setting("WARROOM_READ_ONLY", "bool", False,
            "`1` opens the store read-only and skips migrations (app replicas, read replicas; "
            "see [docs/deployment.md](docs/deployment.md))", "off"),
    Setting("WARROOM_DEMO", "bool", False,
            "`1` offers the clearly labelled demo users (on for `make run`); empty means off",
            "off"),
    Setting("WARROOM_DEMO_FORCE", "bool", False,
            "`1` offers the demo users even on a store that holds real accounts or imported "
            "batches, or when the app listens beyond this machine (test systems only)", "off"),
    Setting("WARROOM_AUTOLOGIN", "text", "",
            "demo mode only: sign every new session in as this demo user (browser tests)",
            "unset"),
    Setting("WARROOM_SMALL_COUNT", "int", 5,
            "household-derived counts below this are withheld (with a complementary figure "
            "where a total would reveal them) from users not entitled to the area's household "
            "list; `1` switches the protection off", "`5`", minimum=1, maximum=100),
    Setting("WARROOM_IDLE_MINUTES", "float", 30.0,
            "minutes without activity after which a session is signed out", "`30`",
            minimum=1, maximum=24 * 60),
    Setting("WARROOM_TRUSTED_PROXIES", "text", "",
            "comma-separated addresses of reverse proxies whose `X-Forwarded-For` names the "
            "client (sign-in back-off and audit records use the client's address)",
            "none (the connection's own address)"),
    Setting("WARROOM_RUN_SLOTS", "int", _default_slots,
            "page runs one app process executes at once; the others wait their turn (at most "
            "5 s), see [docs/deployment.md](docs/deployment.md)",
            "the number of cores, at least 2", minimum=1, maximum=256),
    Setting("WARROOM_WARMUP", "bool", True,
            "the app process imports its views, opens the store and builds the country map's "
            "frame as it starts, before the first visitor asks (no user's data; about 300 MB on "
            "the national store that the first page run loads anyway); `0` leaves that to "
            "the first page run",
            "`1`"),
    Setting("WARROOM_IMPORT_MAX_MB", "float", 200.0,
            "largest file accepted by an import (Data page and CLI)", "`200`",
            minimum=0.001, maximum=10_240),
    Setting("WARROOM_BACKUP_DIR", "path", lambda: data_dir() / "backups",
            "where `python -m data backup` and the automatic backups before demo replace, "
            "migrations and restore are written", "`$WARROOM_DATA_DIR/backups`"),
    Setting("WARROOM_BACKUP_KEEP", "int", 7,
            "automatic backups kept per store (older ones are deleted after a new one is "
            "verified); backups written to a folder you name are never deleted", "`7`",
            minimum=1, maximum=1000),
    Setting("WARROOM_SNAPSHOT_MAX_MB", "float", 4096.0,
            "largest DuckDB store that read-only commands (`summary`, `users list`) copy to a "
            "snapshot when the running app holds the file", "`4096`", minimum=0),
    Setting("WARROOM_HDX_URL", "text", "https://data.humdata.org",
            "Humanitarian Data Exchange used by `python -m geo fetch` (a mirror)",
            "`https://data.humdata.org`"),
    Setting("WARROOM_TILES_URL", "text", "",
            "basemap tile URL template under the maps, e.g. a local tile server "
            "`http://127.0.0.1:8080/{z}/{x}/{y}.png`",
            "none (no basemap, no request leaves the app)"),
    Setting("WARROOM_TILES_ATTRIBUTION", "text", "", "attribution shown for those tiles",
            "the URL"),
    Setting("WARROOM_ASSET_CACHE", "path", lambda: Path.home() / ".cache" / "warroom-assets",
            "where `make assets` keeps the npm tarballs it verified (offline re-runs)",
            "`~/.cache/warroom-assets`"),
    Setting("WARROOM_SMTP_HOST", "text", "",
            "mail server the daily alert digest is sent through (`python -m data alerts "
            "digest`)", "none (no e-mail is sent)"),
    Setting("WARROOM_SMTP_PORT", "int", 587, "its port", "`587`", minimum=1, maximum=65535),
    Setting("WARROOM_SMTP_SECURITY", "text", "starttls",
            "`starttls`, `ssl` (SMTPS) or `none` (a relay on this machine only)", "`starttls`"),
    Setting("WARROOM_SMTP_USER", "text", "", "account the digest signs in to the mail server "
            "with", "none (no sign-in)"),
    Setting("WARROOM_SMTP_PASSWORD", "text", "", "its password (never printed)", "none",
            secret=True),
    Setting("WARROOM_SMTP_FROM", "text", "warroom@localhost", "sender address of the digest",
            "`warroom@localhost`"),
    Setting("WARROOM_ALERT_WEBHOOK_URL", "text", "",
            "address the daily digest is also posted to as JSON (a LINE or other chat bridge; "
            "never printed, it may hold a token)", "none (no webhook)", secret=True),
    Setting("WARROOM_ALERT_WEBHOOK_TOKEN", "text", "",
            "bearer token sent with the webhook (`Authorization: Bearer ...`; never printed)",
            "none", secret=True),
    Setting("WARROOM_SCHEDULE", "text", "off",
            "`app`: the app process itself runs the scheduled follow-up work (rules, digest, "
            "snapshots; the way on a DuckDB store, which a cron command cannot write beside "
            "the app); `off`: a timer runs `python -m data alerts schedule` "
            "(see [docs/operations.md](docs/operations.md))", "`off`"),
    Setting("WARROOM_ALERT_EVERY_HOURS", "float", 6.0,
            "hours between scheduled rule evaluations (rules are also evaluated after every "
            "import); 0 = only after imports", "`6`", minimum=0, maximum=24 * 31),
    Setting("WARROOM_DIGEST_HOUR", "int", 7,
            "local hour from which the daily digest is sent; -1 = no digest", "`7`",
            minimum=-1, maximum=23),
    Setting("WARROOM_SNAPSHOT_EVERY_DAYS", "float", 0.0,
            "days between automatic meeting snapshots; 0 = only those executives record",
            "`0`", minimum=0, maximum=366),
    Setting("WARROOM_APP_URL", "text", "",
            "the app's address as users reach it, for the links in digests", "none (no links)"),
    Setting("WARROOM_SDG_MAX_MISSING", "float", 20.0,
            "percent of an area's SDG indicators (those that apply at its level) that may lack "
            "a value before its SDG index is withheld, with the reason shown (SDSN: 20)",
            "`20`", minimum=0, maximum=100),
    Setting("WARROOM_RANK_TIE_POINTS", "float", 1.0,
            "score points (0-100 scale) within which areas are shown as tied around a rank",
            "`1`", minimum=0, maximum=100),
    Setting("WARROOM_BENCH_DB", "text", "", "the national-size DuckDB store `make bench` and "
            "`make loadtest` measure", "the store itself", group="development"),
    Setting("WARROOM_BENCH_PG", "text", "", "its PostgreSQL copy for the PostgreSQL column of "
            "`make bench`", "none", group="development"),
    Setting("WARROOM_TEST_PG", "text", "postgresql://postgres@127.0.0.1:5432/postgres",
            "PostgreSQL server the tests create their database on",
            "`postgresql://postgres@127.0.0.1:5432/postgres`", group="development"),
    Setting("WARROOM_REQUIRE_BROWSER", "bool", False,
            "`1` makes browser tests fail instead of skipping when Chromium is missing "
            "(`.ci/run` sets it)", "off", group="development"),
    Setting("WARROOM_CHROMIUM", "text", "/usr/bin/chromium",
            "the Chromium the browser tests drive", "`/usr/bin/chromium`", group="development"),
    Setting("WARROOM_SHARED_GEO", "path", lambda: REPO_ROOT.parent / "shared" / "geo",
            "reference boundaries the geo benchmark reads", "`../shared/geo`",
            group="development"),
)
_BY_NAME = {s.name: s for s in SETTINGS}
SETTINGS_BY_NAME = _BY_NAME
_WARNED: set[tuple[str, str]] = set()


def get(name: str) -> Any:
    """The setting's value from the environment (read on every call: tests change it), or its
    default when unset, empty or invalid (an invalid value is logged once)."""
    setting = _BY_NAME[name]
    raw = os.environ.get(name, "").strip()
    if not raw:
        return setting.default_value()
    try:
        return setting.parse(raw)
    except ValueError as exc:
        if (name, raw) not in _WARNED:
            _WARNED.add((name, raw))
            log.warning("%s=%r is not valid (%s); using the default %s", name, raw, exc,
                        setting.default_text or repr(setting.default_value()))
        return setting.default_value()


def settings_markdown() -> str:
    """The README's settings tables: the server's, then those of benchmarks and tests."""
    return _table("server") + "\nBenchmarks and tests:\n\n" + _table("development")


def _table(group: str) -> str:
    lines = ["| variable | meaning | default |", "| --- | --- | --- |"]
    for s in (s for s in SETTINGS if s.group == group):
        bounds = ""
        if s.minimum is not None and s.maximum is not None:
            bounds = f" ({s.minimum:g} to {s.maximum:g})"
        elif s.minimum is not None:
            bounds = f" (at least {s.minimum:g})"
        lines.append(f"| `{s.name}` | {s.help}{bounds} | {s.default_text} |")
    return "\n".join(lines) + "\n"


# -- named accessors (what the rest of the code calls) -------------------------------------------
def data_dir() -> Path:
    """The git-ignored directory holding the store, installed boundaries, backups and logs."""
    return Path(get("WARROOM_DATA_DIR"))


def _as_url(raw: str) -> str:
    # A bare file path is a DuckDB file.
    return raw if "://" in raw else f"duckdb:///{Path(raw).expanduser().resolve()}"


def database_url() -> str:
    """Connection URL of the store: ``duckdb:///path`` (default) or ``postgresql://...``."""
    return _as_url(get("WARROOM_DB"))


def primary_url() -> str:
    """Where writes go: accounts, the audit log, imports and undo (``WARROOM_PRIMARY_DB``).

    Unset, it is the store itself. An app replica reading a read-only store (a PostgreSQL read
    replica, ``WARROOM_READ_ONLY=1``) points it at the primary that store replicates, so that
    every sign-in and export is still on record.
    """
    raw = get("WARROOM_PRIMARY_DB")
    return _as_url(raw) if raw else database_url()


def read_only() -> bool:
    """``WARROOM_READ_ONLY=1``: the app opens the store read-only and never migrates it.

    Lets several app processes share one DuckDB file (DuckDB allows many read-only processes or
    one writer), and keeps an analytics replica's connection from attempting writes.
    """
    return bool(get("WARROOM_READ_ONLY"))


def demo_mode() -> bool:
    """Demo users are offered at login only when this is explicitly switched on."""
    return bool(get("WARROOM_DEMO"))


def run_slots() -> int:
    """How many page runs one app process executes at once (``WARROOM_RUN_SLOTS``).

    The default is the number of cores, at least 2: one run can wait on the store (which
    works outside Python's lock) while another computes.
    """
    return int(get("WARROOM_RUN_SLOTS"))


def backup_dir() -> Path:
    return Path(get("WARROOM_BACKUP_DIR"))


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) readable by the service account only (0700 for new
    folders); an existing folder is left as it is (``private_path_warnings`` reports it)."""
    if not path.exists():
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def private_path_warnings(paths: Callable[[], list[Path]] | None = None) -> list[str]:
    """Files and folders holding the store that other accounts of the machine can read."""
    targets = paths() if paths else _private_paths()
    out = []
    for path in targets:
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            continue
        if mode & 0o077:
            out.append(f"{path} is readable by other accounts (mode {mode:o}); "
                       f"run `chmod {'700' if path.is_dir() else '600'} {path}`")
    return out


def _private_paths() -> list[Path]:
    paths = [data_dir()]
    url = database_url()
    if url.startswith("duckdb:///"):
        store = Path(url.removeprefix("duckdb:///"))
        paths += [store, Path(f"{store}.wal")]
    return paths


def restrict_new_files() -> None:
    """Files and folders this process creates (the store, its write-ahead log, backups,
    snapshots) are readable by the service account only: the store holds password hashes and
    household rows."""
    os.umask(0o077)


def sdg_max_missing() -> float:
    """Share (0-1) of an area's indicators that may be missing before its index is withheld."""
    return float(get("WARROOM_SDG_MAX_MISSING")) / 100.0


def rank_tie_points() -> float:
    """Score distance within which areas are shown as ties around a rank."""
    return float(get("WARROOM_RANK_TIE_POINTS"))
