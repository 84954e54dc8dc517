"""``make serve``: Debian's nginx in front of several app processes on one store, locally.

Starts N ``streamlit run serve.py`` processes on free loopback ports, writes nginx's
configuration from ``deploy/nginx.conf.in`` into ``$WARROOM_DATA_DIR/serve/`` and runs nginx in
the foreground on ``--port``. Every two seconds it asks each process's ``/api/health``: a process
that is unhealthy (its store unreachable, missing, damaged or not migrated) is marked ``down``
in nginx's configuration and nginx reloaded, so nobody is sent there; a process that exited is
started again on its port. ``status.json`` in the same folder tells who is where.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "nginx.conf.in"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Node:
    name: str
    port: int
    healthy: bool = False
    failures: int = 0
    proc: subprocess.Popen | None = field(default=None, repr=False)
    restarts: int = 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _servers(nodes: list[Node], first: Node | None) -> str:
    lines = []
    for n in sorted(nodes, key=lambda n: n is not first):
        flags = " down" if not n.healthy else ""
        role = " backup" if first is not None and n is not first else ""
        lines.append(f"        server 127.0.0.1:{n.port} max_fails=1 fail_timeout=5s{role}{flags};")
    return "\n".join(lines)


def render(nodes: list[Node], *, run_dir: Path, listen: str, max_body_mb: int,
           static_root: Path, modules: list[Path] | None = None,
           secure_cookie: bool = False, template: str | None = None) -> str:
    """nginx.conf for these processes: one pool per process (it first, the others backup) and
    one pool for browsers without the cookie; unhealthy processes ``down``."""
    text = template if template is not None else TEMPLATE.read_text(encoding="utf-8")
    upstreams = [f"    upstream warroom_any {{\n{_servers(nodes, None)}\n    }}"]
    upstreams += [f"    upstream warroom_{n.name} {{\n{_servers(nodes, n)}\n    }}" for n in nodes]
    values = {
        "@RUN@": str(run_dir),
        # Started by root, nginx's workers would run as nobody, who cannot read the private
        # data folder; started by a service account, they run as that account.
        "@USER@": "user root;" if os.geteuid() == 0 else "",
        "@STATIC_ROOT@": str(static_root),
        "@MODULES@": "\n".join(f"load_module {m};" for m in modules or []),
        "@BROTLI@": ("brotli on;\n    brotli_comp_level 5;\n    brotli_static on;\n"
                     "    brotli_types text/plain text/css text/javascript "
                     "application/javascript application/json\n"
                     "                 application/geo+json image/svg+xml font/ttf;"
                     if modules else "# brotli: apt-get install libnginx-mod-http-brotli-filter "
                     "libnginx-mod-http-brotli-static"),
        "@LISTEN@": listen,
        "@MAX_BODY@": str(max_body_mb),
        "@COOKIE_SECURE@": "; Secure" if secure_cookie else "",
        "@POOL_MAP@": "\n".join(f"        {n.name} warroom_{n.name};" for n in nodes),
        "@SERVED_MAP@": "\n".join(f'        "~:{n.port}$" {n.name};' for n in nodes),
        "@UPSTREAMS@": "\n".join(upstreams),
    }
    for key, value in values.items():
        text = text.replace(key, value)
    return text


COMPRESSIBLE = (".js", ".css", ".svg", ".json", ".ttf", ".map", ".txt")
BROTLI_MODULES = ("ngx_http_brotli_filter_module.so", "ngx_http_brotli_static_module.so")
MODULES_DIR = Path("/usr/lib/nginx/modules")


def brotli_modules() -> list[Path]:
    """Debian's brotli modules for nginx (libnginx-mod-http-brotli-*), when both are there."""
    found = [MODULES_DIR / m for m in BROTLI_MODULES]
    return found if all(p.exists() for p in found) else []


def prepare_static(cache_dir: Path, *, brotli: bool) -> Path:
    """Streamlit's own hashed bundles, copied once per Streamlit version with their gzip -9 and
    (when the ``brotli`` command is there) brotli -q 11 twins beside them, for nginx to serve
    from disk: no Python process spends time sending 9 MB of JavaScript to each new browser,
    and nothing is compressed again per request (brotli -q 11 takes a minute or two, once: the
    folder is kept in ``cache_dir``, the asset cache). Returns the folder nginx's ``root``
    names."""
    import gzip

    import streamlit

    source = Path(streamlit.__file__).resolve().parent / "static" / "static"
    root = cache_dir / f"streamlit-{streamlit.__version__}{'-br' if brotli else ''}"
    done = root / ".complete"
    if done.exists():
        return root
    if root.exists():
        shutil.rmtree(root)  # an earlier run stopped half-way
    root.mkdir(parents=True)
    shutil.copytree(source, root / "static")
    cli = shutil.which("brotli") if brotli else None
    for path in sorted((root / "static").rglob("*")):
        if not path.is_file() or path.suffix not in COMPRESSIBLE or path.stat().st_size < 1024:
            continue
        data = path.read_bytes()
        path.with_name(path.name + ".gz").write_bytes(gzip.compress(data, 9, mtime=0))
        if cli:
            subprocess.run([cli, "-q", "11", "-f", "-o", str(path) + ".br", str(path)],
                           check=True)
    done.write_text(streamlit.__version__, encoding="utf-8")
    return root


def body_limit_mb() -> int:
    """nginx's body limit: the import limit plus room for the upload form's envelope."""
    from data import config

    return math.ceil(float(config.get("WARROOM_IMPORT_MAX_MB"))) + 1


def _start_app(node: Node, log_dir: Path, upload_mb: int) -> None:
    env = {**os.environ, "WARROOM_TRUSTED_PROXIES": os.environ.get(
        "WARROOM_TRUSTED_PROXIES", "127.0.0.1")}
    log = open(log_dir / f"app-{node.name}.log", "ab")  # noqa: SIM115 - the child owns it
    node.proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(node.port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--server.maxUploadSize", str(upload_mb)],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()


def up(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except (OSError, urllib.error.HTTPError):
        return False


def healthy(port: int, timeout: float = 3.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=timeout) as r:
            return r.status == 200
    except (OSError, urllib.error.HTTPError):
        return False


def _write_status(run_dir: Path, listen_port: int, nodes: list[Node], nginx_pid: int) -> None:
    status = {"proxy": f"http://127.0.0.1:{listen_port}", "nginx_pid": nginx_pid,
              "nodes": [{"name": n.name, "port": n.port, "healthy": n.healthy,
                         "pid": n.proc.pid if n.proc else None, "restarts": n.restarts}
                        for n in nodes]}
    tmp = run_dir / "status.json.tmp"
    tmp.write_text(json.dumps(status, indent=1), encoding="utf-8")
    tmp.replace(run_dir / "status.json")


def main(argv: list[str] | None = None) -> int:
    from data import config

    ap = argparse.ArgumentParser(prog="python -m deploy.serve", description=__doc__)
    ap.add_argument("--port", type=int, default=8080, help="where nginx listens (default 8080)")
    ap.add_argument("--listen", default="127.0.0.1",
                    help="nginx's address (default 127.0.0.1; 0.0.0.0 publishes it)")
    ap.add_argument("--apps", type=int, default=0,
                    help="app processes (default: 2 on PostgreSQL, 1 on a DuckDB file)")
    ap.add_argument("--run-dir", type=Path, default=None,
                    help="configuration, logs and status (default $WARROOM_DATA_DIR/serve)")
    ap.add_argument("--secure-cookie", action="store_true",
                    help="mark the process cookie Secure (TLS in front; docs/deployment.md)")
    ap.add_argument("--every", type=float, default=2.0, help="seconds between health checks")
    args = ap.parse_args(argv)

    postgres = config.database_url().startswith(("postgresql://", "postgres://"))
    apps = args.apps or (2 if postgres else 1)
    if apps > 1 and not postgres and not config.read_only():
        print("several app processes need a PostgreSQL store (WARROOM_DB=postgresql://...; "
              "see docs/deployment.md), or WARROOM_READ_ONLY=1 on a DuckDB file",
              file=sys.stderr)
        return 2
    if not Path(NGINX).exists():
        print(f"nginx not found ({NGINX}): apt-get install nginx-light", file=sys.stderr)
        return 2
    with socket.socket() as probe:
        try:
            probe.bind((args.listen, args.port))
        except OSError as exc:
            print(f"{args.listen}:{args.port} is not free ({exc}): choose another --port",
                  file=sys.stderr)
            return 2
    run_dir = (args.run_dir or config.data_dir() / "serve").resolve()
    for sub in ("tmp", "logs"):
        (run_dir / sub).mkdir(parents=True, exist_ok=True)
    nodes = [Node(chr(ord("a") + i), free_port()) for i in range(apps)]
    limit = body_limit_mb()
    conf = run_dir / "nginx.conf"

    modules = brotli_modules()
    static_root = prepare_static(Path(config.get("WARROOM_ASSET_CACHE")),
                                 brotli=bool(modules))

    def write_conf() -> None:
        conf.write_text(render(nodes, run_dir=run_dir, listen=f"{args.listen}:{args.port}",
                               max_body_mb=limit, static_root=static_root, modules=modules,
                               secure_cookie=args.secure_cookie),
                        encoding="utf-8")

    for n in nodes:
        _start_app(n, run_dir / "logs", limit - 1)
    # Up (Streamlit answers) is enough to start: a process whose store is not ready starts
    # marked down and is let in once its own health says so.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and not all(up(n.port) for n in nodes):
        time.sleep(0.5)
    for n in nodes:
        n.healthy = healthy(n.port)
    write_conf()
    nginx = subprocess.Popen([NGINX, "-p", str(run_dir), "-e", str(run_dir / "error.log"),
                              "-c", str(conf), "-g", "daemon off;"])
    # Until nginx has written its pid file (after installing its signal handlers) a SIGHUP
    # would end it instead of reloading it: no reload before then.
    pid_file, deadline = run_dir / "nginx.pid", time.monotonic() + 30
    while nginx.poll() is None and time.monotonic() < deadline:
        try:
            if int(pid_file.read_text().strip() or 0) == nginx.pid:
                break
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    stopping = False

    def stop(_sig, _frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"War Room through nginx: http://{args.listen}:{args.port}/ "
          f"({apps} app process{'es' if apps > 1 else ''}: "
          f"{', '.join(f'{n.name}=127.0.0.1:{n.port}' for n in nodes)}; {run_dir})", flush=True)
    try:
        _write_status(run_dir, args.port, nodes, nginx.pid)
        while not stopping:
            if nginx.poll() is not None:
                print(f"nginx exited ({nginx.returncode}): see {run_dir / 'error.log'}",
                      file=sys.stderr)
                return 1
            changed = False
            for n in nodes:
                if n.proc is not None and n.proc.poll() is not None:
                    print(f"app {n.name} exited ({n.proc.returncode}); starting it again",
                          flush=True)
                    n.restarts += 1
                    _start_app(n, run_dir / "logs", limit - 1)
                # Two failed checks in a row before a busy process is taken out of the pool.
                n.failures = 0 if healthy(n.port) else n.failures + 1
                ok = n.failures == 0 if not n.healthy else n.failures < 2
                if ok != n.healthy:
                    print(f"app {n.name}: {'healthy' if ok else 'UNHEALTHY, marked down'}",
                          flush=True)
                    n.healthy, changed = ok, True
            if changed:
                write_conf()
                nginx.send_signal(signal.SIGHUP)  # reload: new workers, open sessions kept
            _write_status(run_dir, args.port, nodes, nginx.pid)
            for _ in range(int(args.every * 10)):
                if stopping:
                    break
                time.sleep(0.1)
    finally:
        nginx.send_signal(signal.SIGQUIT)  # graceful: finish requests in flight
        for n in nodes:
            if n.proc is not None and n.proc.poll() is None:
                n.proc.terminate()
        for p in [nginx, *(n.proc for n in nodes if n.proc is not None)]:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
