"""Browser sessions kept in the store: resumed by the same browser within the idle time only."""

from __future__ import annotations

import datetime as dt

from data import web_sessions


def test_a_session_resumes_only_for_its_browser_within_the_idle_time(any_empty_store):
    s = any_empty_store
    token = web_sessions.new_session(s, "kanya", "password", "Firefox/140")
    assert web_sessions.active_user(s, token, "Firefox/140", 30) == "kanya"
    assert web_sessions.active_user(s, token, "Chrome/150", 30) is None  # another browser
    assert web_sessions.active_user(s, token + "x", "Firefox/140", 30) is None
    assert web_sessions.active_user(s, "", "Firefox/140", 30) is None
    # The token itself is never stored.
    assert s.scalar("SELECT COUNT(*) FROM web_sessions WHERE token_hash = ?", [token]) == 0
    # Idle longer than the idle time: ended.
    s.execute("UPDATE web_sessions SET last_seen = ?",
              [dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=31)])
    assert web_sessions.active_user(s, token, "Firefox/140", 30) is None
    web_sessions.touch(s, token)  # activity (at most once a minute) brings it back in time
    assert web_sessions.active_user(s, token, "Firefox/140", 30) == "kanya"
    seen = s.scalar("SELECT last_seen FROM web_sessions")
    web_sessions.touch(s, token)
    assert s.scalar("SELECT last_seen FROM web_sessions") == seen  # not written again yet
    web_sessions.revoke(s, token)
    assert web_sessions.active_user(s, token, "Firefox/140", 30) is None


def test_revoking_an_account_ends_all_its_sessions(any_empty_store):
    s = any_empty_store
    tokens = [web_sessions.new_session(s, "somchai", "password", "UA") for _ in range(3)]
    other = web_sessions.new_session(s, "kanya", "password", "UA")
    assert web_sessions.revoke_user(s, "somchai") == 3
    assert all(web_sessions.active_user(s, t, "UA", 30) is None for t in tokens)
    assert web_sessions.active_user(s, other, "UA", 30) == "kanya"


def test_a_checked_session_is_touched_only_when_due(any_empty_store):
    s = any_empty_store
    token = web_sessions.new_session(s, "kanya", "password", "UA")
    seen = s.scalar("SELECT last_seen FROM web_sessions")
    assert web_sessions.active_user_touched(s, token, "UA", 30) == "kanya"
    assert s.scalar("SELECT last_seen FROM web_sessions") == seen  # just started: not due
    old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=5)
    s.execute("UPDATE web_sessions SET last_seen = ?", [old])
    assert web_sessions.active_user_touched(s, token, "UA", 30) == "kanya"
    assert s.scalar("SELECT last_seen FROM web_sessions") > old  # due: noted
    assert web_sessions.active_user_touched(s, token, "Other", 30) is None
    s.execute("UPDATE web_sessions SET last_seen = ?", [old - dt.timedelta(minutes=30)])
    assert web_sessions.active_user_touched(s, token, "UA", 30) is None  # idle: not revived
    assert s.scalar("SELECT last_seen FROM web_sessions") < old
    web_sessions.revoke(s, token)
    assert web_sessions.active_user_touched(s, token, "UA", 30) is None
