"""The daily digest delivered to a local SMTP server (aiosmtpd) and the webhook to a local HTTP
receiver: who gets what, nothing twice, audit first, secrets never printed."""

from __future__ import annotations

import email
import json
import shutil
import threading
from email import policy
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from data import alerts as A
from data import notify
from data.scope import AccessScope
from tests.browser_util import free_port

EXEC = AccessScope(user="boss", roles=frozenset({"executive"}), provinces=None)


@pytest.fixture()
def store(demo_db, tmp_path):
    from data.store import open_store

    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_db, path)
    s = open_store(f"duckdb:///{path}")
    from data import users

    # Accounts other tests left in the shared demo store get no mail here.
    s.execute("UPDATE users SET email = NULL")
    users.add_user(s, "governor", actor="test", roles={"executive"}, email="gov@example.test")
    users.add_user(s, "pattani", actor="test", roles={"provincial"}, provinces={"94"},
                   email="pat@example.test")
    users.add_user(s, "nomail", actor="test", roles={"executive"})
    yield s
    s.close()


@pytest.fixture()
def smtp_server():
    from aiosmtpd.controller import Controller

    class Sink:
        def __init__(self) -> None:
            self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            msg = email.message_from_bytes(envelope.content, policy=policy.default)
            self.messages.append((list(envelope.rcpt_tos), msg))
            return "250 OK"

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, sink
    controller.stop()


@pytest.fixture()
def receiver():
    got: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server API
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append({"auth": self.headers.get("Authorization"), "json": json.loads(body)})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook/secret-token", got
    server.shutdown()


def _raise_alerts(store) -> int:
    code = store.scalar(
        "SELECT MIN(v.indicator_code) FROM sdg_values v WHERE v.area_code = '94' AND v.year = "
        "(SELECT MAX(year) FROM sdg_values w WHERE w.indicator_code = v.indicator_code)")
    rid = A.save_rule(store, EXEC, "ค่าต่ำกว่าเกณฑ์ <b>", "threshold",
                      {"indicator": code, "op": "above", "value": -1e9}, severity="critical")
    A.evaluate_rules(store, "test", adjacency=dict)
    return rid


def _configure(monkeypatch, port, hook=None):
    monkeypatch.setenv("WARROOM_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("WARROOM_SMTP_PORT", str(port))
    monkeypatch.setenv("WARROOM_SMTP_SECURITY", "none")
    monkeypatch.setenv("WARROOM_SMTP_FROM", "warroom@example.test")
    monkeypatch.setenv("WARROOM_APP_URL", "http://warroom.example.test")
    if hook:
        monkeypatch.setenv("WARROOM_ALERT_WEBHOOK_URL", hook)
        monkeypatch.setenv("WARROOM_ALERT_WEBHOOK_TOKEN", "tok-123")


def test_digest_reaches_each_user_with_their_area_only(store, smtp_server, monkeypatch):
    port, sink = smtp_server
    _configure(monkeypatch, port)
    _raise_alerts(store)
    result = notify.send_digest(store)
    assert (result.emails, result.failed, result.webhook) == (2, 0, "off")
    by_to = {rcpt[0]: msg for rcpt, msg in sink.messages}
    assert set(by_to) == {"gov@example.test", "pat@example.test"}
    pat = by_to["pat@example.test"]
    text = pat.get_body(("plain",)).get_content()
    html = pat.get_body(("html",)).get_content()
    assert "ปัตตานี" in text and "Pattani" in text
    # Pattani's officer gets Pattani's alert only: one line per language.
    assert text.count("ค่าต่ำกว่าเกณฑ์") == 2
    assert "<b>" not in html and "&lt;b&gt;" in html  # the rule name is escaped
    assert "http://warroom.example.test/alerts" in text
    gov = by_to["gov@example.test"].get_body(("plain",)).get_content()
    assert gov.count("ค่าต่ำกว่าเกณฑ์") > 2
    # On the audit log first, and on the delivery log after.
    audit = store.query("SELECT detail FROM audit_log WHERE action = 'alert_digest'")
    assert sorted(audit.detail.str.split(":").str[0]) == ["email to governor",
                                                          "email to pattani"]
    assert store.scalar("SELECT COUNT(*) FROM alert_deliveries WHERE status = 'sent'") == 2
    # A second digest the same day has nothing new: nothing is sent.
    again = notify.send_digest(store)
    assert (again.emails, again.skipped) == (0, 2) and len(sink.messages) == 2


def test_no_digest_is_sent_when_the_audit_log_cannot_take_it(store, smtp_server, monkeypatch):
    port, sink = smtp_server
    _configure(monkeypatch, port)
    _raise_alerts(store)

    def refuse(*_a, **_k):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr(notify, "record_event", refuse)
    with pytest.raises(RuntimeError):
        notify.send_digest(store)
    assert sink.messages == []


def test_unreachable_mail_server_is_recorded_as_failed(store, monkeypatch):
    _configure(monkeypatch, free_port())  # nothing listens there
    _raise_alerts(store)
    result = notify.send_email_digests(store)
    assert result.failed == 2 and result.emails == 0
    assert store.scalar("SELECT COUNT(*) FROM alert_deliveries WHERE status = 'failed'") == 2


def test_webhook_posts_new_alerts_once(store, smtp_server, receiver, monkeypatch):
    port, _sink = smtp_server
    url, got = receiver
    _configure(monkeypatch, port, url)
    rid = _raise_alerts(store)
    assert notify.post_webhook(store) == "sent"
    assert len(got) == 1 and got[0]["auth"] == "Bearer tok-123"
    payload = got[0]["json"]
    open_ = store.scalar("SELECT COUNT(*) FROM alerts WHERE rule_id = ? AND resolved_at IS NULL",
                         [rid])
    assert len(payload["alerts"]) == open_ and "War Room" in payload["text"]
    assert {a["severity"] for a in payload["alerts"]} == {"critical"}
    assert "house_code" not in json.dumps(payload)
    assert notify.post_webhook(store) == "nothing"
    assert len(got) == 1


def test_settings_never_print_secrets(monkeypatch, capsys):
    from data.__main__ import main

    monkeypatch.setenv("WARROOM_SMTP_PASSWORD", "hunter2-secret")
    monkeypatch.setenv("WARROOM_ALERT_WEBHOOK_URL", "https://bridge.example/hook/tok-xyz")
    monkeypatch.setenv("WARROOM_ALERT_WEBHOOK_TOKEN", "tok-abc")
    assert main(["settings"]) == 0
    out = capsys.readouterr().out
    assert "hunter2-secret" not in out and "tok-xyz" not in out and "tok-abc" not in out
    values = json.loads(out)
    assert values["WARROOM_SMTP_PASSWORD"] == "***"
    assert values["WARROOM_ALERT_WEBHOOK_URL"] == "***"
