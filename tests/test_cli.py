"""The `ssp-bot` command line, run as a user would run it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from storage.migrate import head_revision


def run_cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={"PATH": os.environ["PATH"], **(env or {})},
        timeout=120,
        check=False,
    )


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    for command in ("run", "migrate", "seed", "sandbox", "demo"):
        assert f"    {command} " in result.stdout


def test_migrate_then_seed_twice(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3", "LOG_LEVEL": "WARNING"}
    assert f"revision {head_revision()}." in run_cli("migrate", cwd=tmp_path, env=env).stdout
    first = run_cli("seed", cwd=tmp_path, env=env)
    assert first.stdout.strip() == (
        "Loaded seed.yaml: 9 created, 0 updated, 0 unchanged (municipalities and topics)."
    )
    second = run_cli("seed", cwd=tmp_path, env=env)
    assert "0 created, 0 updated, 9 unchanged" in second.stdout


@pytest.mark.bad_input
def test_a_broken_seed_file_is_one_sentence(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("municipalities: [{slug: X}]", encoding="utf-8")
    result = run_cli("seed", "bad.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("ssp-bot: bad.yaml: municipalities.0.slug:")


@pytest.mark.bad_input
def test_run_without_a_token_explains_what_to_do(tmp_path: Path) -> None:
    result = run_cli("run", cwd=tmp_path)
    assert result.returncode == 2
    assert "BOT_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_sandbox_runs_on_its_own(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "sandbox", "--port", str(port)],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"]},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/bot123:abc/getMe"
        for _ in range(100):
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    me = json.load(response)
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError("the sandbox did not answer")
        assert me["ok"] and me["result"]["is_bot"] and me["result"]["id"] == 123
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=20)
    assert "Traceback" not in stderr
