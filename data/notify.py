"""The daily alert digest: one e-mail per user with an address (the alerts of the user's area)
and one webhook post (a LINE or other chat bridge), each on the audit log before it is sent."""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import smtplib
import ssl
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import pandas as pd

from data import config
from data.alert_inbox import load_inbox
from data.audit import record_event
from data.scope import AccessScope
from data.store import Store

log = logging.getLogger("warroom")
ACTOR = "system:digest"
_SEVERITY = {"critical": ("วิกฤต", "critical"), "warning": ("เตือน", "warning"),
             "info": ("แจ้งให้ทราบ", "info")}


@dataclass(frozen=True)
class DigestResult:
    emails: int = 0
    skipped: int = 0
    failed: int = 0
    webhook: str = "off"  # off, sent, nothing, failed


def _last_sent(store: Store, channel: str, recipient: str) -> dt.datetime | None:
    value = store.scalar("SELECT MAX(sent_at) FROM alert_deliveries WHERE channel = ? "
                         "AND recipient = ? AND status = 'sent'", [channel, recipient])
    return None if value is None else pd.Timestamp(value).to_pydatetime()


def _deliver_log(store: Store, channel: str, recipient: str, alerts: int, status: str,
                 error: str | None = None) -> None:
    with store.transaction():
        store.serialise("alert_deliveries")
        next_id = int(store.scalar("SELECT COALESCE(MAX(delivery_id), 0) + 1 "
                                   "FROM alert_deliveries"))
        store.execute("INSERT INTO alert_deliveries (delivery_id, channel, recipient, sent_at, "
                      "alerts, status, error) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      [next_id, channel, recipient, dt.datetime.now(), alerts, status,
                       (error or "")[:500] or None])


def _names(store: Store) -> dict[str, tuple[str, str]]:
    from data.queries import area_name_map

    return area_name_map(store)


def alert_line(row: Any, names: dict[str, tuple[str, str]], lang: str) -> str:
    """One alert as one line of plain text: severity, rule, area, value against reference."""
    i = 0 if lang == "th" else 1
    area = names.get(row.area_code, (row.area_code or "ประเทศไทย", row.area_code or
                                     "Thailand"))[i] if row.area_code else \
        ("ทั้งประเทศ" if lang == "th" else "whole country")
    agency = f" · {row.subject.split('|')[0]}" if row.kind == "overdue_agency" else ""
    value = "–" if pd.isna(row.value) else f"{float(row.value):,.2f}"
    ref = "–" if pd.isna(row.reference) else f"{float(row.reference):,.2f}"
    sev = _SEVERITY.get(row.severity, (row.severity, row.severity))[i]
    return f"[{sev}] {row.rule} · {area}{agency}: {value} ({ref})"


def compose_digest(store: Store, scope: AccessScope, alerts: pd.DataFrame,
                   open_count: int) -> tuple[str, str, str]:
    """Subject, plain text and HTML of one user's digest (Thai, then English)."""
    names = _names(store)
    day = dt.date.today().isoformat()
    subject = f"War Room: {len(alerts)} การแจ้งเตือนใหม่ / new alerts ({day})"
    text, body = [], []
    for lang, head, still in (("th", "การแจ้งเตือนใหม่", "ยังเปิดอยู่ทั้งหมด"),
                              ("en", "New alerts", "Open in all")):
        lines = [alert_line(r, names, lang) for r in alerts.itertuples(index=False)]
        text += [f"{head} ({len(alerts)}):", *(f"- {x}" for x in lines),
                 f"{still}: {open_count}", ""]
        body.append(f"<h3>{html.escape(head)} ({len(alerts)})</h3><ul>"
                    + "".join(f"<li>{html.escape(x)}</li>" for x in lines)
                    + f"</ul><p>{html.escape(still)}: {open_count}</p>")
    url = config.get("WARROOM_APP_URL")
    if url:
        text.append(f"{url.rstrip('/')}/alerts")
        body.append(f'<p><a href="{html.escape(url.rstrip("/"))}/alerts">War Room</a></p>')
    return subject, "\n".join(text), "<html><body>" + "".join(body) + "</body></html>"


def _recipients(store: Store) -> list[tuple[str, str, AccessScope]]:
    from data.users import load_user, scope_for

    out = []
    for name, email in store.rows("SELECT username, email FROM users WHERE NOT disabled "
                                  "AND email IS NOT NULL AND email <> '' ORDER BY username"):
        user = load_user(store, name)
        scope = scope_for(user)
        if not scope.is_empty and scope.roles:
            out.append((name, email, scope))
    return out


def _smtp_send(message: EmailMessage) -> None:
    host, port = config.get("WARROOM_SMTP_HOST"), int(config.get("WARROOM_SMTP_PORT"))
    security = str(config.get("WARROOM_SMTP_SECURITY")).lower()
    user, password = config.get("WARROOM_SMTP_USER"), config.get("WARROOM_SMTP_PASSWORD")
    if security == "ssl":
        server: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=20,
                                                context=ssl.create_default_context())
    else:
        server = smtplib.SMTP(host, port, timeout=20)
    with server:
        if security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if user:
            server.login(user, password)
        server.send_message(message)


def send_email_digests(store: Store, dry_run: bool = False) -> DigestResult:
    """One digest per user with an e-mail address: the alerts of the user's area raised since
    the user's last digest (nothing is sent to a user without new alerts)."""
    if not config.get("WARROOM_SMTP_HOST"):
        return DigestResult()
    sent = skipped = failed = 0
    for name, email, scope in _recipients(store):
        since = _last_sent(store, "email", name)
        open_all = load_inbox(store, scope, "open", limit=100_000)
        new = open_all if since is None else open_all[
            pd.to_datetime(open_all.raised_at) > pd.Timestamp(since)]
        if new.empty:
            skipped += 1
            continue
        subject, text, body = compose_digest(store, scope, new, len(open_all))
        msg = EmailMessage()
        msg["Subject"], msg["From"], msg["To"] = subject, config.get("WARROOM_SMTP_FROM"), email
        msg.set_content(text)
        msg.add_alternative(body, subtype="html")
        if dry_run:
            print(f"--- {email}\n{text}")
            continue
        # On the audit log first: a digest whose record cannot be written is not sent.
        record_event(store, ACTOR, "alert_digest", None, f"email to {name}: {len(new)} alerts")
        try:
            _smtp_send(msg)
        except (OSError, smtplib.SMTPException) as exc:
            failed += 1
            _deliver_log(store, "email", name, len(new), "failed", type(exc).__name__)
            log.warning("digest to %s failed: %s", name, exc)
            continue
        _deliver_log(store, "email", name, len(new), "sent")
        sent += 1
    return DigestResult(emails=sent, skipped=skipped, failed=failed)


def post_webhook(store: Store, dry_run: bool = False) -> str:
    """Post the alerts raised since the last post to ``WARROOM_ALERT_WEBHOOK_URL`` as JSON
    (``text`` for chat bridges, ``alerts`` for programs). Aggregate figures only."""
    url = config.get("WARROOM_ALERT_WEBHOOK_URL")
    if not url:
        return "off"
    since = _last_sent(store, "webhook", "webhook")
    new = load_inbox(store, AccessScope.everything(user=ACTOR), "open", since=since,
                     limit=100_000)
    if new.empty:
        return "nothing"
    names = _names(store)
    payload = {
        "text": "\n".join(["War Room: การแจ้งเตือนใหม่ / new alerts"]
                          + [alert_line(r, names, "th") for r in new.itertuples(index=False)]),
        "alerts": [{"rule": r.rule, "kind": r.kind, "severity": r.severity,
                    "area_code": r.area_code, "subject": r.subject,
                    "value": None if pd.isna(r.value) else float(r.value),
                    "reference": None if pd.isna(r.reference) else float(r.reference),
                    "raised_at": pd.Timestamp(r.raised_at).isoformat()}
                   for r in new.itertuples(index=False)]}
    if dry_run:
        print(json.dumps(payload, ensure_ascii=False, indent=2))
        return "dry-run"
    record_event(store, ACTOR, "alert_webhook", None, f"webhook: {len(new)} alerts")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    token = config.get("WARROOM_ALERT_WEBHOOK_TOKEN")
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, json.dumps(payload, ensure_ascii=False).encode(),
                                     headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            ok = 200 <= response.status < 300
    except OSError as exc:
        _deliver_log(store, "webhook", "webhook", len(new), "failed", type(exc).__name__)
        log.warning("webhook post failed: %s", type(exc).__name__)
        return "failed"
    _deliver_log(store, "webhook", "webhook", len(new), "sent" if ok else "failed")
    return "sent" if ok else "failed"


def send_digest(store: Store, dry_run: bool = False) -> DigestResult:
    result = send_email_digests(store, dry_run)
    return DigestResult(result.emails, result.skipped, result.failed,
                        post_webhook(store, dry_run))
