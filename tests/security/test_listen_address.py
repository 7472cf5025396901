"""`framepilot run` listens on this machine only, unless FRAMEPILOT_HOST widens it."""

from __future__ import annotations

import psutil

from framepilot.cli.launcher import streamlit_command
from framepilot.settings import load_settings
from testkit.web_session import WebServer


def listening_addresses(pid: int, port: int) -> set[str]:
    tree = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    return {c.laddr.ip for p in tree for c in p.net_connections(kind="inet")
            if c.status == psutil.CONN_LISTEN and c.laddr.port == port}


def test_framepilot_run_listens_on_the_loopback_address_only(tmp_path):
    with WebServer(tmp_path / "data", app="launcher") as server:
        assert listening_addresses(server.proc.pid, server.port) == {"127.0.0.1"}


def test_framepilot_host_widens_the_listen_address(tmp_path):
    command = streamlit_command(load_settings(data_dir=tmp_path, host="0.0.0.0"))  # noqa: S104
    assert command[command.index("--server.address") + 1] == "0.0.0.0"  # noqa: S104
