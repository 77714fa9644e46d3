"""Tests for hakit.lab.process: bounded waits and no process or directory left behind.

These use plain Python child processes (no etcd needed), so they always run.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from hakit.lab.process import (  # noqa: I001
    ManagedProcess,
    MissingBinaryError,
    ProcessSet,
    free_port,
    leftover_processes,
    require_binary,
    wait_until,
)

ROOT = Path(__file__).resolve().parents[1]


def _marker() -> str:
    return f"hakit-test-{uuid.uuid4().hex[:12]}"


def _sleeper(marker: str) -> list[str]:
    # the marker is an argv element, so it shows up in /proc/<pid>/cmdline
    return [sys.executable, "-c", "import time, sys; print('ready', flush=True); time.sleep(600)", marker]


def _gone(marker: str, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not leftover_processes(marker):
            return True
        time.sleep(0.05)
    return False


# ---------------------------------------------------------------------------------- helpers
def test_free_port_is_bindable():
    p = free_port()
    assert 1024 <= p <= 65535
    with socket.socket() as s:
        s.bind(("127.0.0.1", p))  # raises if it was not free


def test_require_binary_found_and_missing():
    assert Path(require_binary("sh", "dash", "bash")).name == "sh"
    with pytest.raises(MissingBinaryError) as ei:
        require_binary("no-such-binary-hakit", "etcd-server", "etcd")
    msg = str(ei.value)
    assert "sudo apt-get install etcd-server" in msg
    assert "brew install etcd" in msg
    assert "未找到" in msg and "not found" in msg
    assert isinstance(ei.value, RuntimeError)


def test_wait_until_returns_truthy_value():
    calls = []

    def pred():
        calls.append(1)
        return "ok" if len(calls) >= 3 else None

    assert wait_until(pred, 2, "三次调用", interval=0.01) == "ok"
    assert len(calls) == 3


def test_wait_until_is_bounded_and_chinese():
    t0 = time.monotonic()
    with pytest.raises(TimeoutError) as ei:
        wait_until(lambda: False, 0.3, "永远不会发生的事", interval=0.02)
    elapsed = time.monotonic() - t0
    assert elapsed >= 0.3  # it waited the whole timeout (an upper bound would time the machine)
    assert str(ei.value).startswith("等待超时（0.3 s）：永远不会发生的事")


def test_wait_until_quotes_last_error_and_validates():
    with pytest.raises(TimeoutError, match="ZeroDivisionError"):
        wait_until(lambda: 1 / 0, 0.1, "除以零")
    with pytest.raises(ValueError):
        wait_until(lambda: True, -1, "负数超时")
    with pytest.raises(ValueError):
        wait_until(lambda: True, 1, "零间隔", interval=0)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -0.5, None, "1", True])
def test_wait_until_refuses_unbounded_or_bad_timeouts_before_calling(bad):
    calls = []
    with pytest.raises(ValueError, match="timeout: Invalid value"):
        wait_until(lambda: calls.append(1), bad, "不会开始")
    assert calls == []
    with pytest.raises(ValueError, match="interval: Invalid value"):
        wait_until(lambda: calls.append(1), 1, "不会开始", interval=float("nan"))
    assert calls == []


def test_popen_failure_closes_the_log(tmp_path):
    p = ManagedProcess("missing", [str(tmp_path / "no-such-binary")], tmp_path / "m.log")
    with pytest.raises(FileNotFoundError):
        p.start()
    assert p._log is None


# ---------------------------------------------------------------------------------- ManagedProcess
def test_managed_process_lifecycle(tmp_path):
    m = _marker()
    p = ManagedProcess("sleeper", _sleeper(m), tmp_path / "log" / "s.log")
    assert not p.running and p.pid is None
    p.start()
    try:
        assert p.running and p.pid > 0
        wait_until(lambda: "ready" in p.log_tail(5), 5, "子进程输出 ready")
        assert leftover_processes(m) == [p.pid]
        p.pause()
        wait_until(lambda: Path(f"/proc/{p.pid}/stat").read_text().split(")")[1].split()[0] == "T", 2, "进程进入 T 状态")
        assert p.running and p.paused
        p.resume()
        assert not p.paused
        with pytest.raises(RuntimeError):
            p.start()  # already running
    finally:
        rc = p.stop(timeout=2)
    assert rc == -signal.SIGTERM
    assert not p.running
    assert _gone(m)


def test_stop_resumes_a_paused_process_first(tmp_path):
    m = _marker()
    p = ManagedProcess("sleeper", _sleeper(m), tmp_path / "s.log").start()
    p.pause()
    t0 = time.monotonic()
    rc = p.stop(timeout=3)
    # SIGTERM took effect (no wait for the SIGKILL fallback)
    assert rc == -signal.SIGTERM
    assert _gone(m)


def test_stop_falls_back_to_sigkill(tmp_path):
    m = _marker()
    code = "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print('ready', flush=True); time.sleep(600)"
    p = ManagedProcess("stubborn", [sys.executable, "-c", code, m], tmp_path / "s.log").start()
    wait_until(lambda: "ready" in p.log_tail(2), 5, "子进程忽略 SIGTERM")
    assert p.stop(timeout=0.3) == -signal.SIGKILL
    assert _gone(m)


def test_kill_and_restart_appends_log(tmp_path):
    m = _marker()
    p = ManagedProcess("sleeper", _sleeper(m), tmp_path / "s.log").start()
    wait_until(lambda: "ready" in p.log_tail(1), 5, "第一次 ready")
    assert p.kill() == -signal.SIGKILL
    p.start()
    wait_until(lambda: p.log_tail(10).count("ready") == 2, 5, "第二次 ready")
    assert p.log_tail(1) == "ready"
    assert p.log_tail(0) == ""
    p.stop()
    assert _gone(m)


def test_env_is_merged(tmp_path):
    p = ManagedProcess(
        "env", [sys.executable, "-c", "import os; print(os.environ['HAKIT_X'], 'PATH' in os.environ)"],
        tmp_path / "e.log", env={"HAKIT_X": "42"},
    ).start()
    wait_until(lambda: not p.running, 5, "子进程结束")
    p.stop()
    assert p.log_tail(1) == "42 True"


# ---------------------------------------------------------------------------------- ProcessSet
def test_processset_cleans_up_on_normal_exit():
    m = _marker()
    with ProcessSet() as ps:
        d = ps.mkdtemp()
        (d / "big").write_bytes(b"x" * 1000)
        procs = [ps.spawn(f"s{i}", _sleeper(m), d / f"s{i}.log") for i in range(3)]
        # right after fork and before exec, /proc/<pid>/cmdline still shows the parent's: wait
        wait_until(lambda: len(leftover_processes(m)) == 3, 5, "三个子进程都已 exec")
        procs[1].pause()  # a paused one must be stopped too
    assert not d.exists()
    assert _gone(m, 1.0)
    assert ps.closed
    ps.close()  # idempotent
    with pytest.raises(RuntimeError):
        ps.mkdtemp()


@pytest.mark.parametrize("exc", [ValueError, KeyboardInterrupt])
def test_processset_cleans_up_on_exception_and_interrupt(exc):
    m = _marker()
    with pytest.raises(exc):
        with ProcessSet() as ps:
            d = ps.mkdtemp()
            ps.spawn("s", _sleeper(m), d / "s.log")
            wait_until(lambda: leftover_processes(m), 5, "子进程已 exec")
            raise exc("模拟失败 / simulated")
    assert not d.exists()
    assert _gone(m, 1.0)


def test_leftover_processes_rejects_empty_marker():
    with pytest.raises(ValueError):
        leftover_processes("")


def _run_script(body: str, marker: str, timeout: float = 20) -> subprocess.Popen:
    script = textwrap.dedent(body).replace("MARKER", marker)
    return subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


CHILD = """
import sys, time
from hakit.lab.process import ProcessSet
ps = ProcessSet()
d = ps.mkdtemp(prefix="MARKER-")
ps.spawn("c", [sys.executable, "-c", "import time; time.sleep(600)", "MARKER"], d / "c.log")
print(d, flush=True)
"""


def test_atexit_cleans_an_unclosed_set():
    m = _marker()
    proc = _run_script(CHILD, m)  # exits without closing the set
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert _gone(m, 2.0), "atexit 之后不应留下子进程"
    assert not Path(out.strip()).exists()


def test_sigterm_cleans_an_unclosed_set():
    m = _marker()
    proc = _run_script(CHILD + "time.sleep(600)\n", m)
    d = proc.stdout.readline().strip()
    assert d and Path(d).exists()
    wait_until(lambda: len(leftover_processes(m)) >= 2, 5, "父进程与子进程都在运行")
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGTERM  # the default action still happens after cleanup
    assert _gone(m, 2.0), "收到 SIGTERM 后不应留下子进程"
    assert not Path(d).exists()


# ---------------------------------------------------------------------------------- kernel killed
KERNEL = """
import json, sys, threading, time
from hakit.lab.etcd import LocalEtcdCluster
from hakit.lab.redis_sentinel import LocalRedisSentinel
labs = {}
def start():  # from a thread that then exits: the death signal must not fire with it
    labs["etcd"] = LocalEtcdCluster(3).start()
    labs["redis"] = LocalRedisSentinel(replicas=1, sentinels=1, haproxy=True).start()
t = threading.Thread(target=start); t.start(); t.join()
time.sleep(1.0)
print(json.dumps({"etcd": str(labs["etcd"].root), "redis": str(labs["redis"].dir),
                  "alive": all(p.running for p in labs["etcd"].ps.processes + labs["redis"].ps.processes)}), flush=True)
time.sleep(600)
"""


@pytest.mark.realservice
@pytest.mark.timeout(120)
def test_sigkill_of_the_kernel_leaves_no_process_and_no_dir(record_property):
    """A kernel SIGKILLed with etcd, Redis, Sentinel and HAProxy running leaves nothing within 15 s."""
    import json
    import shutil as _sh

    missing = [b for b in ("etcd", "redis-server", "redis-cli", "haproxy") if _sh.which(b) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true 但缺少 {missing}")
        pytest.skip(f"缺少 {missing}：sudo apt-get install etcd-server redis-server haproxy")
    proc = subprocess.Popen([sys.executable, "-c", KERNEL], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.poll() is not None else "没有输出"
        info = json.loads(line)
        assert info["alive"], "线程退出后实验进程不应被死亡信号杀掉"
        dirs = [info["etcd"], info["redis"]]
        assert all(leftover_processes(d) for d in dirs)
    finally:
        proc.kill()
        proc.wait(timeout=10)
    t0 = time.monotonic()
    deadline = t0 + 15
    while time.monotonic() < deadline and (any(leftover_processes(d) for d in dirs) or any(Path(d).exists() for d in dirs)):
        time.sleep(0.1)
    record_property("cleanup_seconds_after_sigkill", round(time.monotonic() - t0, 3))
    assert [pid for d in dirs for pid in leftover_processes(d)] == [], "内核被 SIGKILL 15 s 后仍有实验进程"
    assert [d for d in dirs if Path(d).exists()] == [], "内核被 SIGKILL 15 s 后仍有 hakit-* 目录"


def _wait_for_exec(pid: int, needle: str, timeout: float = 10.0) -> None:
    """Until the child has exec'd: before that its /proc cmdline is still the parent's."""
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if needle in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                return
        except OSError:
            pass
        time.sleep(0.01)
    raise TimeoutError(f"child {pid} did not exec within {timeout} s")


def test_sweep_removes_dirs_of_a_dead_owner_only(tmp_path):
    from hakit.lab.process import OWNER_FILE, sweep_stale

    dead = subprocess.Popen([sys.executable, "-c", "pass"]); dead.wait()
    stale = tmp_path / "hakit-x-stale"; stale.mkdir()
    (stale / OWNER_FILE).write_text(f"{dead.pid} 1\n")
    mine = tmp_path / "hakit-x-live"; mine.mkdir()
    from hakit.lab import process as P
    (mine / OWNER_FILE).write_text(f"{os.getpid()} {P._start_time(os.getpid())}\n")
    fresh = tmp_path / "hakit-x-noowner"; fresh.mkdir()      # no owner file, too young to judge
    other = tmp_path / "other-dir"; other.mkdir()
    m = _marker()
    orphan = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)", str(stale), m])
    _wait_for_exec(orphan.pid, str(stale))
    try:
        out = sweep_stale(tmp_path)
        assert out["removed"] == [str(stale)] and orphan.pid in out["killed"]
        assert mine.exists() and fresh.exists() and other.exists() and not stale.exists()
        orphan.wait(timeout=5)
    finally:
        orphan.kill()
