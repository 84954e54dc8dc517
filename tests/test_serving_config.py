"""Serving configuration as Streamlit resolves it: nothing asked of an outside service at start."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.browser_util import REPO

# Run in a fresh interpreter: loading Streamlit's configuration is process-global state that
# the AppTest cases in the same pytest run must not inherit.
PROBE = r"""
import json, sys
from streamlit import config, net_util
from streamlit.web import bootstrap

calls = []
net_util.get_external_ip = lambda: calls.append("external_ip")
net_util.get_internal_ip = lambda: calls.append("internal_ip")
import requests
requests.get = lambda *a, **k: calls.append("http " + str(a[:1]))

config._main_script_path = sys.argv[1]
bootstrap.load_config_options(flag_options=json.loads(sys.argv[2]))
bootstrap._print_url(is_running_hello=False)
print(json.dumps({
    "calls": calls,
    "server_address_set": config.is_manually_set("browser.serverAddress"),
    "headless": config.get_option("server.headless"),
    "usage_stats": config.get_option("browser.gatherUsageStats"),
}))
"""


@pytest.mark.parametrize("flags", [
    {},                                                   # .streamlit/config.toml as shipped
    {"server_address": "0.0.0.0", "server_headless": True},  # listening on every interface
    {"server_address": "::"},
], ids=["shipped", "all-ipv4", "all-ipv6"])
def test_start_asks_no_outside_service_for_the_external_ip(flags):
    out = subprocess.run([sys.executable, "-c", PROBE, str(REPO / "app.py"), json.dumps(flags)],
                         cwd=REPO, capture_output=True, text=True, timeout=60, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["calls"] == [], out.stdout
    assert result["server_address_set"] is True
    assert result["headless"] is True
    assert result["usage_stats"] is False
    # The banner names the configured address, not a probed one.
    assert "External URL" not in out.stdout and "Network URL" not in out.stdout


def test_probe_would_be_seen_without_the_setting():
    """The check above can fail: with only a wildcard address, Streamlit probes."""
    probe = PROBE.replace("bootstrap.load_config_options(flag_options=json.loads(sys.argv[2]))",
                          "bootstrap.load_config_options(flag_options=json.loads(sys.argv[2]))\n"
                          "config._set_option('browser.serverAddress', 'localhost', "
                          "'<default>')")
    flags = {"server_address": "0.0.0.0", "server_headless": True}
    out = subprocess.run([sys.executable, "-c", probe, str(REPO / "app.py"), json.dumps(flags)],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        pytest.fail(out.stderr)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert "external_ip" in result["calls"]
