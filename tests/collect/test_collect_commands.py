"""Administrator commands: connectors set|list|run, simulate, `hub run --with-simulators`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import distinct, func, select

from connectors.registry import CONNECTORS
from hub.db.models import Clue
from tests.collect.collect_support import cli, runs, scalar, state, wait_for
from tests.support.live import free_port
from tests.support.processes import HubProcesses


def test_set_list_and_run_a_connector_from_the_command_line(hub, settings, simulate):
    partner = simulate("admin_review", total=90, page_size=30)
    assert "未配置" in cli(settings, "connectors", "list").output

    refused = cli(settings, "connectors", "set", "admin_review", "--enable")
    assert refused.exit_code == 1 and "--url" in refused.output
    bad = cli(settings, "connectors", "set", "admin_review", "--url", "ftp://x", "--page-size", "0")
    assert bad.exit_code == 1 and "http://" in bad.output and "每页条数" in bad.output

    saved = cli(settings, "connectors", "set", "admin_review", "--url", partner.url,
                "--interval", "120", "--page-size", "30")
    assert saved.exit_code == 0 and "未启用" in saved.output and partner.url in saved.output

    ran = cli(settings, "connectors", "run", "admin_review")
    assert ran.exit_code == 0
    assert [line for line in ran.output.splitlines() if line.startswith("第 ")][-1].startswith(
        "第 3 页：已读 90 条")
    assert "运行 #1 成功：3 页，90 条" in ran.output

    listing = cli(settings, "connectors", "list").output
    block = listing[listing.index("admin_review"):listing.index("\n", listing.index("上次运行"))]
    assert partner.url in block and "每 120 秒" in block and "健康 正常" in block
    assert f"游标 {state(hub, 'admin_review').cursor}" in block
    assert "上次运行 #1 成功" in block and "3 页 90 条" in block
    assert cli(settings, "connectors", "list", "--json").output.count('"name"') == len(CONNECTORS)

    cli(settings, "connectors", "set", "admin_review", "--reset-cursor", "--enable")
    assert state(hub, "admin_review").cursor is None and state(hub, "admin_review").enabled
    rerun = cli(settings, "connectors", "run", "admin_review")
    assert "运行 #2 成功" in rerun.output and runs(hub, "admin_review")[-1].new == 0


def test_a_failed_run_says_why_and_exits_1(hub, settings, simulate):
    partner = simulate("discipline", total=10)
    httpx.post(f"{partner.url}/_faults", json={"status": 404, "count": 1})
    cli(settings, "connectors", "set", "discipline", "--url", partner.url)
    result = cli(settings, "connectors", "run", "discipline")
    assert result.exit_code == 1
    assert "运行 #1 失败" in result.output and "拒绝了请求（HTTP 404）" in result.output
    assert state(hub, "discipline").consecutive_failures == 1


def test_hub_simulate_serves_a_partner(tmp_path: Path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "hub", "simulate", "court", "--port",
                             str(port), "--total", "7", "--seed", "3"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: _answers(f"http://127.0.0.1:{port}/"), 120, "the simulator")
        page = httpx.get(f"http://127.0.0.1:{port}/records", params={"limit": 5}).json()
        assert page["records"] == CONNECTORS["court"].generate_records(3, 7)[:5]
    finally:
        proc.terminate()
        proc.wait(10)


def test_hub_run_with_simulators_shows_clues_from_all_six_channels(backend, settings,
                                                                   hub, tmp_path: Path):
    if backend.name != "embedded":
        pytest.skip("the newcomer's `make run` is the embedded default")
    base = _free_run_of_ports(len(CONNECTORS))
    settings.port = free_port()
    env = {**HubProcesses(settings, tmp_path).env(), "HUB_LOG_LEVEL": "WARNING"}
    log = (tmp_path / "run.log").open("wb")
    proc = subprocess.Popen([sys.executable, "-m", "hub", "run", "--with-simulators",
                             "--simulator-port", str(base)], env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    channels = select(func.count(distinct(Clue.channel))).where(Clue.status == "pending_review")
    try:
        wait_for(lambda: scalar(hub, channels) == len(CONNECTORS), 180,
                 "pending_review clues from every channel")
        assert httpx.get(f"http://127.0.0.1:{base}/_stats").json()["pages_served"] >= 1
    finally:
        proc.terminate()
        proc.wait(20)
    assert {state(hub, name).base_url for name in CONNECTORS} == {
        f"http://127.0.0.1:{base + i}" for i in range(len(CONNECTORS))}


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def _free_run_of_ports(n: int) -> int:
    """The first of n consecutive ports free right now (as `--simulator-port` expects)."""
    for _ in range(50):
        base = free_port()
        if base + n < 65535 and all(_is_free(base + i) for i in range(n)):
            return base
        time.sleep(0.01)
    raise RuntimeError("no run of free ports")


def _is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def test_each_demo_start_leaves_one_live_key_per_simulated_agency(hub, settings, simulate):
    from hub.collect.config import configure
    from hub.collect.demo import _receiving_agency
    from hub.db.models import ApiKey

    partner = simulate("court", total=10)
    agency_id = configure(hub, "court", url=partner.url, enabled=False)["agency_id"]
    for _ in range(3):  # three `make run`s
        _receiving_agency(hub, settings, partner, agency_id)
    with hub.uow(write=False) as uow:
        keys = uow.session.execute(select(ApiKey.revoked_at.is_(None)).where(
            ApiKey.agency_id == agency_id)).scalars().all()
    assert sorted(keys) == [False, False, True]


def test_two_hubs_with_simulators_start_side_by_side(tmp_path: Path):
    """A second `hub run --with-simulators` on another HUB_PORT starts too: the simulators
    take ports that follow HUB_PORT or that the OS chooses, and each hub says where they are."""
    procs, logs, ports = [], [], []
    try:
        for name in ("first", "second"):
            ports.append(free_port())
            env = {**os.environ, "HUB_PORT": str(ports[-1]), "HUB_LOG_LEVEL": "WARNING",
                   "HUB_DATABASE_URL": f"sqlite:///{tmp_path / name}.db",
                   "HUB_BROKER_URL": "memory://",
                   "HUB_KEYRING_PATH": str(tmp_path / f"{name}-keyring.json")}
            logs.append(tmp_path / f"{name}.log")
            procs.append(subprocess.Popen([sys.executable, "-m", "hub", "run", "--with-simulators"],
                                          env=env, stdout=logs[-1].open("wb"),
                                          stderr=subprocess.STDOUT))
        for proc, log, port in zip(procs, logs, ports, strict=True):
            wait_for(lambda p=proc, o=log, u=f"http://127.0.0.1:{port}/healthz": (
                p.poll() is None or pytest.fail(o.read_text())) and _answers(u), 90,
                "both hubs answering")
        urls = []
        for log in logs:
            lines = [line for line in log.read_text().splitlines() if line.startswith("模拟器 ")]
            assert len(lines) == len(CONNECTORS), log.read_text()
            urls += [line.split("：", 1)[1] for line in lines]
        assert len(set(urls)) == 2 * len(CONNECTORS)
        for url in urls:  # each simulator answers where its hub said it is
            wait_for(lambda u=url: _answers(f"{u}/"), 120, f"the simulator at {url}")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(20)
