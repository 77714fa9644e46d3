"""Measurements of real etcd behaviour with hakit.lab.etcd (start-up, failover, write gap, audit).

Timings of real processes are measurements, not assertions: these functions print what they
measured (run with ``-s`` to see it) and store it in ``benchmark.extra_info``. Run with::

    .venv/bin/pytest benchmarks/bench_lab_etcd.py -o python_files='bench_*.py' --benchmark-only -s

Without etcd the benchmarks are skipped with the package name (etcd-server / brew install etcd).
"""
from __future__ import annotations

import shutil

import pytest

from hakit.lab import etcd as lab

pytestmark = pytest.mark.skipif(
    shutil.which("etcd") is None,
    reason="需要 etcd：sudo apt-get install etcd-server（macOS：brew install etcd）",
)


def _fmt(s: dict) -> str:
    return f"min {s['min']:.2f} s / median {s['median']:.2f} s / max {s['max']:.2f} s (n={s['count']})"


def test_startup_3_members(benchmark):
    """Time from spawning 3 members to all of them agreeing on a leader."""
    times = []

    def start_and_stop():
        with lab.LocalEtcdCluster(3) as c:
            times.append(c.startup_seconds)

    benchmark.pedantic(start_and_stop, rounds=3, iterations=1)
    s = lab.summary(times)
    benchmark.extra_info["startup_s"] = s
    print(f"\n[etcd] 3 成员启动到选出 Leader：{_fmt(s)}")


def test_put_latency(benchmark):
    """One linearizable put through the leader of a 3-member cluster (fsync on the host disk)."""
    with lab.LocalEtcdCluster(3) as c:
        li = c.wait_for_leader(5)
        benchmark.pedantic(lambda: c.put("/bench/k", "v", member=li), rounds=50, iterations=1, warmup_rounds=5)
    print(f"\n[etcd] 单次写入（3 成员，经 Leader）：median {benchmark.stats.stats.median * 1000:.1f} ms")


@pytest.mark.parametrize("n, election_timeout, repeats", [(3, 1000, 5), (5, 1000, 3), (3, 500, 5)])
def test_failover(benchmark, n, election_timeout, repeats):
    """Kill the leader ``repeats`` times: time to a new leader and to the first successful write."""
    out = {}

    def run():
        out.update(lab.failover_series(n, repeats=repeats, election_timeout=election_timeout))

    benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info.update(
        {"startup_s": out["startup_s"], "new_leader_s": out["new_leader_s"], "first_write_s": out["first_write_s"],
         "failed_writes": [r["failed_writes"] for r in out["runs"]]}
    )
    print(
        f"\n[etcd] n={n}, election-timeout={election_timeout} ms：启动 {out['startup_s']:.2f} s\n"
        f"    新 Leader：{_fmt(out['new_leader_s'])}\n"
        f"    写入中断：{_fmt(out['first_write_s'])}"
    )


def test_acknowledged_write_audit(benchmark):
    """A writer through 3 leader kills + restarts: acknowledged / failed / unknown / lost."""
    res = {}

    def run():
        with lab.LocalEtcdCluster(3) as c:
            res["audit"] = lab.acknowledged_write_audit(c, kills=3, between=1.5)

    benchmark.pedantic(run, rounds=1, iterations=1)
    a = res["audit"].as_dict()
    benchmark.extra_info.update(a)
    print(f"\n[etcd] 确认写入审计：{a}")
