"""Driver tests for hakit.lab.etcd against real etcd processes.

Without the ``etcd`` binary these tests are skipped with a message naming the package
(``sudo apt-get install etcd-server etcd-client`` / ``brew install etcd``) — but when the
environment variable ``CI=true`` they FAIL instead, so CI cannot pass by skipping.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from hakit.lab import etcd as lab
from hakit.lab.etcd import EtcdRequestError, LocalEtcdCluster
from hakit.lab.process import leftover_processes, wait_until

HAVE_ETCD = shutil.which("etcd") is not None
NEED_ETCD_MSG = (
    "需要 etcd：Debian/Ubuntu 上运行 `sudo apt-get install etcd-server etcd-client`，"
    "macOS 上运行 `brew install etcd` / etcd is not installed"
)


def _require_etcd():
    """Skip (naming the package) without etcd, but fail when CI=true."""
    if not HAVE_ETCD:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true 但没有安装 etcd（etcd-server）：CI 不能靠跳过来通过。" + NEED_ETCD_MSG)
        pytest.skip(NEED_ETCD_MSG)


@pytest.fixture
def etcd():
    _require_etcd()


def _assert_clean(c: LocalEtcdCluster):
    deadline = time.monotonic() + 3
    while leftover_processes(c.marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert leftover_processes(c.marker) == [], "集群关闭后仍有 etcd 进程"
    assert c.root is None or not c.root.exists(), "集群关闭后数据目录仍在（每个成员约 123 MB）"


# ------------------------------------------------------------------ validation (no etcd needed)
@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"n": 0}, "n"),
        ({"n": 10}, "n"),
        ({"n": True}, "n"),
        ({"election_timeout": 0}, "election_timeout"),
        ({"election_timeout": 400, "heartbeat_interval": 100}, "election_timeout"),
        ({"snapshot_count": 0}, "snapshot_count"),
        ({"start_timeout": float("nan")}, "start_timeout"),
        ({"start_timeout": float("inf")}, "start_timeout"),
        ({"start_timeout": -1}, "start_timeout"),
        ({"start_timeout": "x"}, "start_timeout"),
    ],
)
def test_invalid_arguments_raise_chinese_valueerror(kwargs, field):
    with pytest.raises(ValueError) as ei:
        LocalEtcdCluster(**{"n": 3, **kwargs})
    msg = str(ei.value)
    assert msg.startswith(f"{field}: Invalid value")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in msg)


def test_snap_index_and_summary():
    assert lab.snap_index("/x/0000000000000002-0000000000000065.snap") == 0x65
    with pytest.raises(ValueError):
        lab.snap_index("db")
    assert lab.summary([3.0, 1.0, 2.0]) == {"min": 1.0, "median": 2.0, "max": 3.0, "count": 3}
    with pytest.raises(ValueError):
        lab.summary([])


def test_preflight_names_the_package(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(lab.MissingBinaryError, match="sudo apt-get install etcd-server"):
        lab.preflight()
    with pytest.raises(lab.MissingBinaryError, match="brew install etcd"):
        LocalEtcdCluster(3)


# ------------------------------------------------------------------ a shared 3-member cluster
@pytest.fixture(scope="module")
def cluster():
    _require_etcd()
    with LocalEtcdCluster(3) as c:
        yield c
    _assert_clean(c)


def test_startup_is_measured_and_status_is_consistent(cluster, record_property):
    assert cluster.startup_seconds is not None and cluster.startup_seconds > 0
    record_property("etcd_startup_seconds", round(cluster.startup_seconds, 3))
    st = cluster.statuses()
    assert all(s is not None for s in st)
    ids = {s["id"] for s in st}
    assert len(ids) == 3
    leaders = {s["leader"] for s in st}
    assert len(leaders) == 1 and leaders <= ids
    assert sum(s["is_leader"] for s in st) == 1
    assert all(isinstance(s["raftTerm"], int) and s["raftTerm"] >= 1 for s in st)
    li = cluster.leader()
    assert st[li]["is_leader"]
    for m in cluster.members:
        assert (m.data_dir / "member" / "wal").is_dir()
        assert str(m.data_dir).startswith(str(cluster.root))
        assert cluster.marker in str(m.data_dir)


def test_put_get_roundtrip_on_every_member(cluster):
    rev = cluster.put("/t/ключ 键", "值 value ✓")
    assert rev > 1
    for i in range(3):
        assert cluster.get("/t/ключ 键", member=i) == "值 value ✓"
        assert cluster.get("/t/ключ 键", serializable=True, member=i) in ("值 value ✓", None)
    assert cluster.get("/t/missing") is None
    cluster.put("/t/empty", "")
    assert cluster.get("/t/empty") == ""
    cluster.put("/t/a", "1")
    got = cluster.get_prefix("/t/")
    assert got["/t/a"] == "1" and "/t/missing" not in got


def test_kill_leader_then_new_leader_and_restart(cluster, record_property):
    old = cluster.wait_for_leader(5)
    t0 = time.monotonic()
    cluster.kill(old)
    assert cluster.status(old) is None
    new = cluster.wait_for_leader(10, exclude=[old])
    elapsed = time.monotonic() - t0
    assert new != old
    record_property("etcd_new_leader_seconds", round(elapsed, 3))  # a measurement, never asserted
    cluster.put("/t/after-kill", "ok", timeout=2)
    cluster.restart(old)  # reuses its data dir: it still has the old keys
    assert cluster.get("/t/a", serializable=True, member=old) == "1"
    assert len(cluster.alive()) == 3


def test_pause_resume_leader_steps_down(cluster):
    res = lab.pause_leader_experiment(cluster, pause_s=2.0)
    assert res["new_leader"] != res["old_leader"]
    assert not res["old_is_leader_after"]
    assert res["old_term_after"] > res["old_term"]
    assert len(res["leaders_after"]) == 1


def test_minority_refuses_writes_but_serves_serializable_reads(cluster):
    cluster.put("/t/minority", "before")
    lone = cluster.wait_for_leader(5)  # even the leader loses its role without a quorum
    others = [i for i in range(3) if i != lone]
    for i in others:
        cluster.kill(i)
    try:
        probe = lab.minority_probe(cluster, lone, "/t/minority", timeout=0.7)
        assert not probe["put"]["ok"]
        assert probe["put"]["outcome"] in ("unknown", "failed")
        assert not probe["get_linearizable"]["ok"]
        assert probe["get_serializable"]["ok"] and probe["get_serializable"]["value"] == "before"
        with pytest.raises(EtcdRequestError):
            cluster.put("/t/x", "y", timeout=0.5, member=lone)
        if shutil.which("etcdctl"):
            ep = f"--endpoints={cluster.members[lone].client_url}"
            env = {**os.environ, "ETCDCTL_API": "3"}
            r = subprocess.run(["etcdctl", ep, "--command-timeout=1s", "get", "/t/minority", "--consistency=s",
                                "--print-value-only"], capture_output=True, text=True, env=env, timeout=10)
            assert r.returncode == 0 and r.stdout.strip() == "before"
    finally:
        for i in others:
            cluster.restart(i, wait=False)
    cluster.wait_for_leader(10)
    cluster.put("/t/minority", "after", timeout=3)
    assert cluster.get("/t/minority") == "after"


def test_kill_of_a_dead_member_is_refused_cleanly(cluster):
    with pytest.raises(ValueError, match="成员编号"):
        cluster.kill(7)
    with pytest.raises(EtcdRequestError) as ei:
        cluster._post(0, "/v3/kv/no-such-endpoint", {}, 1)
    assert ei.value.member == 0


# ------------------------------------------------------------------ cleanup guarantees
def test_no_process_left_after_normal_exit(etcd):
    with LocalEtcdCluster(1) as c:
        assert leftover_processes(c.marker)
        c.put("k", "v")
        root = c.root
        assert root.exists()
    _assert_clean(c)


def test_no_process_left_after_exception_inside(etcd):
    with pytest.raises(RuntimeError, match="boom"):
        with LocalEtcdCluster(1) as c:
            c.pause(0)  # even a paused (SIGSTOPped) member must go
            raise RuntimeError("boom")
    _assert_clean(c)


def test_no_process_left_after_failing_start(etcd, monkeypatch):
    created = []
    real_init = LocalEtcdCluster.__init__

    def spy(self, *a, **kw):
        created.append(self)
        return real_init(self, *a, **kw)

    monkeypatch.setattr(LocalEtcdCluster, "__init__", spy)
    with pytest.raises(RuntimeError, match="启动后立即退出"):
        LocalEtcdCluster(1, no_such_flag="x").start()  # etcd rejects the unknown flag and exits
    _assert_clean(created[0])


def test_no_process_left_after_failing_step(etcd):
    with pytest.raises(TimeoutError, match="等待超时"):
        with LocalEtcdCluster(3, election_timeout=500, heartbeat_interval=100) as c:
            for i in range(3):
                c.kill(i)
            c.wait_for_leader(timeout=0.5)  # nobody is left: bounded wait fails
    _assert_clean(c)


def test_snapshot_count_creates_snap_files(etcd):
    with LocalEtcdCluster(1, snapshot_count=20) as c:
        assert c.snap_files(0) == []
        lab.write_many(c, 40)
        wait_until(lambda: c.snap_files(0), 3, "出现快照文件")
        assert all(lab.snap_index(p) > 20 for p in c.snap_files(0))
    _assert_clean(c)


def test_seed_snapshot_count_syntax_is_rejected(etcd):
    bad = lab.try_etcd_args(["--snapshot-count", "=", "5000"], timeout=3)
    assert not bad["accepted"] and bad["returncode"] not in (0, None)
    assert 'invalid value "=" for flag -snapshot-count' in bad["log"]


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1.0])
def test_waits_refuse_bad_timeouts_before_touching_anything(bad):
    """No member is killed, paused or started when a timeout is NaN, infinite or negative."""
    c = LocalEtcdCluster(3)                       # not started: nothing would be there to touch
    with pytest.raises(ValueError, match="Invalid value"):
        c.restart(0, timeout=bad)
    with pytest.raises(ValueError, match="Invalid value"):
        lab.measure_failover(c, max_wait=bad)
    with pytest.raises(ValueError, match="Invalid value"):
        lab.pause_leader_experiment(c, pause_s=bad)
    with pytest.raises(ValueError, match="Invalid value"):
        lab.acknowledged_write_audit(c, between=bad)
    with pytest.raises(ValueError, match="Invalid value"):
        lab.try_etcd_args([], timeout=bad)
    assert c.ps is None
