"""``python -m data alerts run|digest|list`` and ``python -m data meetings snapshot|list``: the
scheduled side of the follow-up features (run them from cron or a systemd timer)."""

from __future__ import annotations

import argparse
import json


def add_arguments(sub: argparse._SubParsersAction) -> None:
    alerts = sub.add_parser("alerts", help="evaluate early-warning rules, send the digest")
    a = alerts.add_subparsers(dest="alerts_command", required=True)
    a.add_parser("run", help="evaluate every enabled rule now (a scheduled run)")
    digest = a.add_parser("digest", help="send the daily digest (e-mail and webhook)")
    digest.add_argument("--dry-run", action="store_true",
                        help="print what would be sent, send and record nothing")
    a.add_parser("list", help="open alerts as JSON")
    a.add_parser("schedule", help="run whatever scheduled work is due (evaluation, digest, "
                                  "snapshot); for a timer every 10-15 minutes")
    meetings = sub.add_parser("meetings", help="meeting snapshots (since the last meeting)")
    m = meetings.add_subparsers(dest="meetings_command", required=True)
    snap = m.add_parser("snapshot", help="record a meeting snapshot of every figure now")
    snap.add_argument("--title", default="", help="title (default: scheduled snapshot + date)")
    snap.add_argument("--scheduled", action="store_true",
                      help="mark it as taken by the schedule, not by a person")
    m.add_parser("list", help="meetings as JSON")


def run_alerts(args: argparse.Namespace) -> int:
    from data.alert_inbox import load_inbox
    from data.alerts import evaluate_rules
    from data.audit import cli_actor
    from data.notify import send_digest
    from data.scope import AccessScope
    from data.store import open_store

    store = open_store(create=False)
    try:
        if args.alerts_command == "run":
            r = evaluate_rules(store, f"schedule ({cli_actor()})")
            print(json.dumps({"rules": r.rules, "raised": r.raised, "resolved": r.resolved,
                              "failed_rules": r.failed, "seconds": round(r.seconds, 2)}))
            return 0 if not r.failed else 2
        if args.alerts_command == "schedule":
            from data.schedule import run_due

            done = run_due(store, cli_actor())
            print(json.dumps(done))
            return 2 if any("error" in v for v in done.values()) else 0
        if args.alerts_command == "digest":
            d = send_digest(store, dry_run=args.dry_run)
            print(json.dumps({"emails": d.emails, "skipped": d.skipped, "failed": d.failed,
                              "webhook": d.webhook}))
            return 0 if not d.failed and d.webhook != "failed" else 2
        rows = load_inbox(store, AccessScope.everything(user="cli"), "open", limit=100_000)
        print(rows.drop(columns=["acked_at", "note"]).to_json(orient="records",
                                                              date_format="iso",
                                                              force_ascii=False))
        return 0
    finally:
        store.close()


def run_meetings(args: argparse.Namespace) -> int:
    import datetime as dt

    from data.audit import cli_actor, record_event
    from data.meetings import load_meetings, take_snapshot
    from data.scope import AccessScope
    from data.store import open_store

    store = open_store(create=False)
    try:
        if args.meetings_command == "snapshot":
            kind = "scheduled" if args.scheduled else "manual"
            title = args.title or f"{kind} snapshot {dt.date.today().isoformat()}"
            who = cli_actor()
            record_event(store, who, "meeting_snapshot", None, title[:120])
            meeting_id = take_snapshot(store, who, title, kind)
            print(json.dumps({"meeting_id": meeting_id, "title": title, "kind": kind}))
            return 0
        rows = load_meetings(store, AccessScope.everything())
        print(rows.to_json(orient="records", date_format="iso", force_ascii=False))
        return 0
    finally:
        store.close()
