"""Driver tests for hakit.lab.redis_sentinel against real redis-server / Sentinel / HAProxy.

Skipped (naming the package) when a binary is missing, except under CI=true, where a missing
binary is a failure. Every test checks that no process of the lab is left behind.
"""
from __future__ import annotations

import os
import shutil

import pytest

from hakit.lab.process import MissingBinaryError, leftover_processes
from hakit.figures.redis_lab import failover_figure, loss_figure
from hakit.lab import redis_ha
from hakit.lab.redis_sentinel import LAB_REDIS_OPTIONS, MARKER, LocalRedisSentinel, preflight
from hakit.models.sentinel import failover_timeline

pytestmark = pytest.mark.timeout(120)
real = pytest.mark.realservice  # starts real redis-server / Sentinel / HAProxy processes


def _need_binaries():
    try:
        preflight(haproxy=True)
    except MissingBinaryError as e:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true 但缺少二进制文件：{e}")
        pytest.skip(f"缺少二进制文件（Debian: apt-get install redis-server haproxy; macOS: brew install redis haproxy）：{e}")


# ---------------------------------------------------------------- configs: the N.4.2 example's files
def test_configs_need_a_started_lab():
    lab = LocalRedisSentinel()
    for call in (lambda: lab.redis_init_env("redis-0"), lambda: lab.sentinel_init_env("sentinel-0"),
                 lab.haproxy_init_env, lambda: lab.redis_argv("redis-1")):
        with pytest.raises(RuntimeError, match="还没有启动"):
            call()


def _conf_lines(path) -> list:
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.lstrip().startswith("#")]


def _template_lines(name: str) -> list:
    return _conf_lines(redis_ha.path(name))


@pytest.mark.parametrize("kw, field", [
    ({"replicas": -1}, "replicas"),
    ({"sentinels": 0}, "sentinels"),
    ({"sentinels": 3, "quorum": 4}, "quorum"),
    ({"down_after_milliseconds": 10}, "down-after-milliseconds"),
    ({"haproxy_fall": 0}, "haproxy fall"),
    ({"replicas": 1.5}, "replicas"),
    ({"start_timeout": float("nan")}, "start_timeout"),
    ({"start_timeout": -1}, "start_timeout"),
    ({"start_timeout": "x"}, "start_timeout"),
])
def test_invalid_parameters_raise_chinese_valueerror(kw, field):
    with pytest.raises(ValueError, match=field) as ei:
        LocalRedisSentinel(**kw)
    assert "Invalid value" in str(ei.value) and "必须" in str(ei.value)


def test_bad_instance_name_and_missing_old_master():
    lab = LocalRedisSentinel()
    with pytest.raises(ValueError, match="允许的实例名"):
        lab.addr("redis-9")
    with pytest.raises(ValueError, match="old_master"):
        lab.wait_for_failover(1)


# ---------------------------------------------------------------- real processes
@pytest.fixture(scope="module")
def lab():
    _need_binaries()
    with LocalRedisSentinel(replicas=2, sentinels=3, down_after_milliseconds=2000) as lab:
        yield lab
    assert leftover_processes(lab.dir.name) == []
    assert not lab.dir.exists()


@real
def test_the_lab_runs_the_examples_config_files(lab):
    """Every line of the N.4.2 templates is in the rendered file, with only @NAME@ filled in."""
    import re

    for name, path in (("redis.conf", lab.dir / "redis-1" / "redis.conf"),
                       ("sentinel.conf", lab.dir / "sentinel-0" / "sentinel.conf"),
                       ("haproxy.cfg", lab.dir / "haproxy.cfg")):
        got = _conf_lines(path)
        # Sentinel rewrites its file (CONFIG REWRITE) and drops options at their default value
        skip = ("sentinel parallel-syncs",) if name == "sentinel.conf" and lab.parallel_syncs == 1 else ()
        for tmpl in (t for t in _template_lines(name) if not t.startswith(skip)):
            pattern = re.escape(tmpl)
            pattern = re.sub(r"@[A-Z_]+@", r"\\S+", pattern)
            assert any(re.fullmatch(pattern, ln) for ln in got), (name, tmpl)
        assert not any(re.search(r"@[A-Z_]+@", ln) for ln in got)
    redis1 = _conf_lines(lab.dir / "redis-1" / "redis.conf")
    assert f"replicaof 127.0.0.1 {lab.ports['redis-0']}" in redis1
    assert "replica-announce-ip 127.0.0.1" in redis1
    sentinel = _conf_lines(lab.dir / "sentinel-0" / "sentinel.conf")
    assert "sentinel resolve-hostnames yes" in sentinel and "sentinel announce-hostnames yes" in sentinel
    assert f"sentinel monitor mymaster 127.0.0.1 {lab.ports['redis-0']} 2" in sentinel  # quorum = majority of 3
    servers = [ln for ln in _conf_lines(lab.dir / "haproxy.cfg") if ln.startswith("server ")]
    assert servers == [f"server {n} 127.0.0.1:{lab.ports[n]}" for n in lab.redis_names]
    assert lab.redis_argv("redis-1")[-len(LAB_REDIS_OPTIONS):] == list(LAB_REDIS_OPTIONS)


@real
def test_startup_roles_and_routing(lab, record_property):
    record_property("redis_lab_startup_seconds", round(lab.startup_seconds, 3))
    assert lab.roles() == {"redis-0": "master", "redis-1": "slave", "redis-2": "slave"}
    addrs = lab.master_addr_by_sentinel()
    assert set(addrs.values()) == {("127.0.0.1", lab.ports["redis-0"])}
    assert lab.haproxy_states() == {"redis-0": "UP", "redis-1": "DOWN", "redis-2": "DOWN"}
    c = lab.client_via_haproxy()
    assert c.set("k", "v") and c.client_info()["laddr"].endswith(f":{lab.ports['redis-0']}")
    assert all(p != 6379 for p in lab.ports.values())
    assert MARKER in str(lab.dir)
    assert len(leftover_processes(lab.dir.name)) == 7  # 3 redis + 3 sentinel + haproxy


@real
def test_failover_through_haproxy(lab, record_property):
    r = lab.measure_failover(timeout=20)
    record_property("redis_failover_window_seconds", round(r["window"], 3))
    old, new = r["old"], r["new"]
    assert old == "redis-0" and new in ("redis-1", "redis-2")
    # writes fail from the crash until the new master is up in HAProxy. Sentinel needs
    # down-after-milliseconds (2 s) counted from the last valid reply (last_avail_time, at most
    # one 1 s PING period before the crash: src/sentinel.c sentinelCheckSubjectivelyDown)
    assert r["window"] >= 1.0, r   # never before down-after-milliseconds minus one PING period
    assert r["sdown"] is not None and r["sdown"] >= 0.9
    assert r["sdown"] < r["window"]
    assert r["first_failure"] < 0.5
    fig = failover_figure([r], failover_timeline(down_after_ms=2000, inter_ms=500, fall=2, rise=1))
    assert len(fig.to_json()) < 300_000 and fig.layout.template.layout.paper_bgcolor == "white"
    assert lab.wait_for_failover(10, old) == new
    lab.wait_haproxy_routes_to(new)
    assert lab.roles()[old] == "down"
    lab.heal()
    assert sorted(lab.roles().values()) == ["master", "slave", "slave"]


@real
def test_async_replication_loses_acknowledged_writes_without_wait(lab):
    r = lab.measure_async_loss(n_writes=10)
    assert r["acknowledged"] == 10 and r["lost_acknowledged"] == 10, r
    lab.heal()
    w = lab.measure_async_loss(n_writes=5, wait_replicas=1, wait_ms=100)
    assert w["executed"] == 5 and w["acknowledged"] == 0 and w["lost_acknowledged"] == 0, w
    lab.heal()
    fig = loss_figure(r, w)
    assert [list(b.y) for b in fig.data] == [[10, 5], [10, 0], [10, 0]]  # only this run's numbers
    fig = loss_figure(r, w, etcd={"acknowledged": 123, "lost": 0})     # the learner's own etcd audit
    assert [list(b.y) for b in fig.data][3:] == [[123], [0]]


@real
def test_restart_as_replica_never_makes_two_masters(lab):
    r = lab.measure_failover(timeout=20)
    lab.wait_for_failover(10)
    t = lab.measure_two_masters(restart_as_replica=True, duration=2.0)
    assert t["two_master_seconds"] == 0.0 and t["acked_by_rogue"] == 0 and t["lost"] == 0, t
    assert lab.role(r["old"]) == "slave"
    assert lab.haproxy_up() == [r["new"]]


@real
def test_pause_resume_and_restart_sentinel(lab):
    s = "sentinel-1"
    lab.pause(s)
    assert lab.master_addr_by_sentinel()[s] is None
    lab.resume(s)
    lab.kill(s)
    lab.restart(s)
    assert lab.master_addr_by_sentinel()[s] == ("127.0.0.1", lab.ports[lab.sentinel_master()])


@real
def test_no_process_left_after_a_failing_step():
    _need_binaries()
    lab = LocalRedisSentinel(replicas=1, sentinels=1, haproxy=True)
    with pytest.raises(ZeroDivisionError):
        with lab:
            lab.pause("redis-1")  # a paused process must still be cleaned up
            1 / 0
    assert leftover_processes(lab.dir.name) == []
    assert not lab.dir.exists()


@real
def test_start_timeout_cleans_up():
    _need_binaries()
    lab = LocalRedisSentinel(replicas=1, sentinels=1, start_timeout=0.05)
    with pytest.raises(TimeoutError, match="等待超时"):
        lab.start()
    assert leftover_processes(lab.dir.name) == []


def test_missing_binary_message_names_package(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(MissingBinaryError, match="apt-get install redis-server"):
        preflight()


def test_window_exercise_grades_from_the_measured_log(capsys):
    from hakit.grading import check

    run = {"old": "redis-0", "writes": [(0.1, False, None), (2.5, True, "redis-1"), (2.6, True, "redis-1")]}
    check("labs.redis_failover_window", 2.5, writes=run["writes"], old=run["old"])
    assert "✔ 正确" in capsys.readouterr().out
    with pytest.raises(AssertionError, match="尚未作答"):
        check("labs.redis_failover_window", None, writes=run["writes"], old=run["old"])
    with pytest.raises(AssertionError, match="不对") as e:
        check("labs.redis_failover_window", 0.1, writes=run["writes"], old=run["old"])
    assert "2.5" not in str(e.value)


@real
def test_guard_closes_the_lab_on_error():
    _need_binaries()
    lab = LocalRedisSentinel(replicas=1, sentinels=1, haproxy=False).start()
    with pytest.raises(RuntimeError, match="boom"):
        with lab.guard():
            raise RuntimeError("boom")
    assert leftover_processes(lab.dir.name) == [] and not lab.dir.exists()


@real
@pytest.mark.parametrize("how", ["exception", "sigterm"])
def test_no_process_left_when_the_interpreter_dies(how, tmp_path):
    """A notebook kernel that dies (uncaught error at exit, or SIGTERM) still cleans up."""
    import signal
    import subprocess
    import sys

    _need_binaries()
    script = tmp_path / "run.py"
    script.write_text(
        "import sys, time\n"
        "from hakit.lab.redis_sentinel import LocalRedisSentinel\n"
        "lab = LocalRedisSentinel(replicas=1, sentinels=1).start()\n"
        "print(lab.dir.name, flush=True)\n"
        "sys.stdin.readline()\n"
        + ("raise SystemExit('步骤失败')\n" if how == "exception" else "time.sleep(60)\n"))
    p = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stdin=subprocess.PIPE, text=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    marker = p.stdout.readline().strip()
    assert marker.startswith(MARKER)
    assert leftover_processes(marker), "the lab should be running now"
    if how == "sigterm":
        p.send_signal(signal.SIGTERM)
    else:
        p.stdin.write("go\n")
        p.stdin.flush()
    p.wait(timeout=30)
    assert leftover_processes(marker) == []


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1.0])
def test_redis_waits_refuse_bad_timeouts_before_touching_anything(bad):
    lab = LocalRedisSentinel()
    with pytest.raises(ValueError, match="Invalid value"):
        lab.restart("redis-0", timeout=bad)
    with pytest.raises(ValueError, match="Invalid value"):
        lab.heal(timeout=bad)
    with pytest.raises(ValueError, match="Invalid value"):
        lab.measure_failover(timeout=bad)
    with pytest.raises(ValueError, match="Invalid value"):
        lab.measure_async_loss(timeout=bad)
    with pytest.raises(ValueError, match="Invalid value"):
        lab.measure_two_masters(duration=bad)
    assert lab.ps is None


@real
def test_cut_off_replicas_are_resumed_when_the_step_fails(lab, monkeypatch):
    """measure_async_loss: if anything fails after the replicas were SIGSTOPped, they are resumed."""
    import redis as redis_py

    def boom(self, *a, **kw):
        raise redis_py.ConnectionError("simulated failure after the cut-off")

    monkeypatch.setattr(redis_py.Redis, "set", boom)
    with pytest.raises(redis_py.ConnectionError, match="simulated"):
        lab.measure_async_loss(n_writes=3, timeout=5)
    monkeypatch.undo()
    assert not any(lab.procs[n].paused for n in lab.redis_names)
    assert "paused" not in lab.roles().values()
    lab.heal()


@real
@pytest.mark.timeout(120)
def test_announced_names_leave_no_phantom_peers():
    """As in the N.4.2 example, every instance announces a host *name* (here ``localhost``).

    A Sentinel that lost its state (new myid, same announced name) replaces its old entry at
    the other Sentinels instead of adding a peer (src/sentinel.c, ``+sentinel-invalid-addr``),
    and a recreated replica keeps its single entry.
    """
    from hakit.lab.redis_sentinel import MASTER_NAME
    from hakit.lab.process import wait_until

    _need_binaries()
    with LocalRedisSentinel(replicas=2, sentinels=3, announce_host="localhost") as lab:
        assert set(lab.master_addr_by_sentinel().values()) == {("localhost", lab.ports["redis-0"])}
        lab.procs["sentinel-2"].kill()
        (lab.dir / "sentinel-2" / "sentinel.conf").unlink()     # lost state: it comes back with a new myid
        lab.restart("sentinel-2")

        def peers_ok():
            views = [lab.sentinel_client(n).sentinel_sentinels(MASTER_NAME) for n in lab.sentinel_names]
            return all(len(v) == 2 and all(int(x["port"]) for x in v) for v in views)
        wait_until(peers_ok, 15, "每个 Sentinel 都恰好知道另外 2 个（没有幽灵 Sentinel）")
        lab.procs["redis-2"].kill()
        lab.restart("redis-2", as_replica=True)
        lab.wait_replica_linked("redis-2", 15)
        for n in lab.sentinel_names:
            reps = lab.sentinel_client(n).sentinel_slaves(MASTER_NAME)
            assert sorted(int(r["port"]) for r in reps) == sorted(lab.ports[x] for x in ("redis-1", "redis-2"))
    assert leftover_processes(lab.dir.name) == []
