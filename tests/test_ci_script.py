"""CI's script installs what the suite needs and goes red, never silently skips, when Chromium or PostgreSQL is
still missing: its steps run here against stand-ins for apt-get and PostgreSQL's tools."""

import os
import subprocess
from pathlib import Path

import pytest

from tests.browser import conftest as browser_harness

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "run"
TOOLS = ("bash", "ls", "date", "cat", "touch", "chmod", "env", "dirname")


def stand_in(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/bash\n{body}\n")
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A PATH holding only the shell's basic tools and the stand-ins a test writes."""
    bin_folder = tmp_path / "bin"
    bin_folder.mkdir()
    for tool in TOOLS:
        for folder in ("/usr/bin", "/bin"):
            if os.path.exists(f"{folder}/{tool}"):
                (bin_folder / tool).symlink_to(f"{folder}/{tool}")
                break
    (tmp_path / "clusters" / "15").mkdir(parents=True)
    return tmp_path


def run_step(machine: Path, step: str) -> subprocess.CompletedProcess:
    env = {"PATH": str(machine / "bin"), "PG_CLUSTERS": str(machine / "clusters"), "HOME": str(machine)}
    return subprocess.run(
        ["/bin/bash", "-c", f"source {SCRIPT} && {step}"], env=env, capture_output=True, text=True, cwd=machine
    )


def test_chromium_is_installed_when_missing(machine):
    bin_folder = machine / "bin"
    installs = f"touch {bin_folder}/chromium && chmod +x {bin_folder}/chromium"
    stand_in(bin_folder, "apt-get", f'echo "$@" >> {machine}/apt.log; [[ "$1" != install ]] || {{ {installs}; }}')
    result = run_step(machine, "require_chromium")
    assert result.returncode == 0, result.stderr
    assert "install -y -qq chromium" in (machine / "apt.log").read_text()


def test_a_chromium_that_cannot_be_installed_fails_the_run(machine):
    stand_in(machine / "bin", "apt-get", "exit 100")
    result = run_step(machine, "require_chromium; echo went-on")
    assert result.returncode == 1 and "went-on" not in result.stdout
    assert "Chromium is missing and could not be installed" in result.stderr


def test_a_stopped_postgresql_is_started(machine):
    bin_folder = machine / "bin"
    stand_in(bin_folder, "pg_isready", f"[[ -e {machine}/started ]]")
    stand_in(bin_folder, "pg_ctlcluster", f'echo "$@" > {machine}/ctl.log; touch {machine}/started')
    stand_in(bin_folder, "psql", "true")
    result = run_step(machine, "require_postgresql")
    assert result.returncode == 0, result.stderr
    assert (machine / "ctl.log").read_text().split() == ["--skip-systemctl-redirect", "15", "main", "start"]


def test_a_postgresql_that_never_answers_fails_the_run(machine):
    bin_folder = machine / "bin"
    stand_in(bin_folder, "pg_isready", "exit 2")
    stand_in(bin_folder, "pg_ctlcluster", "exit 1")
    result = run_step(machine, "require_postgresql; echo went-on")
    assert result.returncode == 1 and "went-on" not in result.stdout
    assert "PostgreSQL does not answer on 127.0.0.1:5432" in result.stderr


def test_a_missing_postgresql_is_installed_or_fails_the_run(machine):
    stand_in(machine / "bin", "apt-get", f'echo "$@" >> {machine}/apt.log; exit 100')
    result = run_step(machine, "require_postgresql")
    assert result.returncode == 1 and "PostgreSQL is missing and could not be installed" in result.stderr
    assert "install -y -qq postgresql" in (machine / "apt.log").read_text()


def test_the_linter_runs_first_and_a_lint_failure_stops_the_run(machine):
    bin_folder = machine / "bin"
    stand_in(bin_folder, "make", f'echo "$1" >> {machine}/make.log; [[ "$1" != lint || ! -e {machine}/bad ]]')
    fake_requirements = f"require_chromium() {{ echo chromium >> {machine}/make.log; }}; require_postgresql() {{ :; }}"
    result = run_step(machine, f"{fake_requirements}; main")
    assert result.returncode == 0, result.stderr
    assert (machine / "make.log").read_text().split() == ["lint", "chromium", "test", "test"]

    (machine / "make.log").unlink()
    (machine / "bad").touch()
    result = run_step(machine, f"{fake_requirements}; main")
    assert result.returncode != 0
    assert (machine / "make.log").read_text().split() == ["lint"]


def test_ci_turns_a_missing_chromium_into_a_failed_journey(monkeypatch):
    monkeypatch.setattr(browser_harness, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(browser_harness.shutil, "which", lambda name: None)
    monkeypatch.delenv("PORTAIL_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception):
        browser_harness.require_chromium()
    monkeypatch.setenv("PORTAIL_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="PORTAIL_REQUIRE_BROWSER=1"):
        browser_harness.require_chromium()
