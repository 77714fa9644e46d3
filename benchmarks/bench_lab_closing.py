"""Figures for the closing note: each real-service lab run 5 times, and a SIGKILLed kernel.

Everything is measured in this run, on this machine, and printed (nothing is asserted about
time). Per lab, 5 fresh runs:

- etcd (3 members, election timeout 1000 ms): kill the leader; write-unavailability window
  (first successful write after the kill), then one writer through a leader kill + restart:
  acknowledged and lost writes (hakit.lab.etcd.acknowledged_write_audit);
- Redis Sentinel + HAProxy (1 master, 2 replicas, 3 Sentinels, down-after 2000 ms): kill the
  master while writing through HAProxy; write-unavailability window, writes acknowledged during
  the failover and how many of them the new master lacks; then the cut-off-replicas experiment
  without and with ``WAIT 1 100`` (acknowledged and lost);
- kernel SIGKILL: a Python process starts both labs and is killed with SIGKILL; how many
  etcd / redis-server / haproxy processes and hakit-* directories of it are left 15 s later
  (goal 0), and after how long the last one was gone.

Run: ``make bench`` (all benchmarks) or
``.venv/bin/pytest benchmarks/bench_lab_closing.py -o python_files='bench_*.py' -s -p no:cacheprovider``
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hakit.lab import etcd as etcd_lab
from hakit.lab.process import leftover_processes
from hakit.lab.redis_sentinel import LocalRedisSentinel, summarize

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
pytestmark = pytest.mark.realservice


def _need(*binaries: str) -> None:
    missing = [b for b in binaries if shutil.which(b) is None]
    if missing:
        pytest.skip(f"缺少 {', '.join(missing)}：sudo apt-get install etcd-server redis-server haproxy")


def _fmt(s: dict) -> str:
    return f"min {s['min']:.2f} / median {s['median']:.2f} / max {s['max']:.2f} s (n={s['n']})"


def test_bench_closing_etcd(benchmark):
    _need("etcd")
    windows, acked, lost, failed_committed = [], 0, 0, 0

    def run():
        for _ in range(RUNS):
            with etcd_lab.LocalEtcdCluster(3, election_timeout=1000) as c:
                windows.append(etcd_lab.measure_failover(c)["first_write_s"])
                audit = etcd_lab.acknowledged_write_audit(c, kills=1, between=1.5)
            nonlocal acked, lost, failed_committed
            acked += audit.acknowledged
            lost += audit.lost
            failed_committed += audit.failed_but_committed

    benchmark.pedantic(run, rounds=1, iterations=1)
    s = summarize(windows)
    benchmark.extra_info.update(window_s=s, acknowledged=acked, lost=lost)
    print(f"\n[closing] etcd, {RUNS} runs, kill leader: write window {_fmt(s)}; "
          f"audit through {RUNS} leader kills: {acked} acknowledged, {lost} lost "
          f"(failed but committed: {failed_committed})")


def _failover_losses(lab: LocalRedisSentinel, r: dict) -> tuple[int, int]:
    """Writes acknowledged during the failover (key ``fo:<i>``) and how many the new master lacks."""
    keys = [f"fo:{i}" for i, (_t, ok, _s) in enumerate(r["writes"]) if ok]
    if not keys:
        return 0, 0
    vals = lab.client(r["new"], 1.0).mget(keys)
    return len(keys), sum(v is None for v in vals)


def test_bench_closing_redis(benchmark):
    _need("redis-server", "redis-cli", "haproxy")
    windows = []
    tot = {"fo_acked": 0, "fo_lost": 0, "nowait_acked": 0, "nowait_lost": 0, "wait_acked": 0, "wait_lost": 0}

    def run():
        for _ in range(RUNS):
            with LocalRedisSentinel(replicas=2, sentinels=3, down_after_milliseconds=2000) as lab:
                r = lab.measure_failover(timeout=20)
                windows.append(r["window"])
                a, l = _failover_losses(lab, r)
                tot["fo_acked"] += a
                tot["fo_lost"] += l
                lab.heal(15)
                no_wait = lab.measure_async_loss(30)
                lab.heal(15)
                with_wait = lab.measure_async_loss(30, wait_replicas=1, wait_ms=100)
            tot["nowait_acked"] += no_wait["acknowledged"]
            tot["nowait_lost"] += no_wait["lost_acknowledged"]
            tot["wait_acked"] += with_wait["acknowledged"]
            tot["wait_lost"] += with_wait["lost_acknowledged"]

    benchmark.pedantic(run, rounds=1, iterations=1)
    s = summarize(windows)
    benchmark.extra_info.update(window_s=s, **tot)
    print(f"\n[closing] Redis Sentinel + HAProxy, {RUNS} runs, kill master: write window {_fmt(s)}; "
          f"writes acknowledged through HAProxy during the failovers: {tot['fo_acked']}, lost {tot['fo_lost']}")
    print(f"[closing] replicas cut off, 30 writes, master killed ({RUNS} runs): without WAIT "
          f"{tot['nowait_acked']} acknowledged, {tot['nowait_lost']} lost; with WAIT 1 100 "
          f"{tot['wait_acked']} acknowledged, {tot['wait_lost']} lost")


KERNEL = """
import json, time
from hakit.lab.etcd import LocalEtcdCluster
from hakit.lab.redis_sentinel import LocalRedisSentinel
e = LocalEtcdCluster(3).start()
r = LocalRedisSentinel(replicas=2, sentinels=3).start()
print(json.dumps([str(e.root), str(r.dir)]), flush=True)
time.sleep(600)
"""


def test_bench_closing_kernel_sigkill(benchmark):
    _need("etcd", "redis-server", "redis-cli", "haproxy")
    left_15s, gone_after, started = [], [], []

    def run():
        for _ in range(RUNS):
            p = subprocess.Popen([sys.executable, "-c", KERNEL], cwd=ROOT, stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True)
            try:
                dirs = json.loads(p.stdout.readline())
                started.append(sum(len(leftover_processes(d)) for d in dirs))
            finally:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(timeout=10)
            t0 = time.monotonic()
            gone = None
            while time.monotonic() - t0 < 15:
                if gone is None and not any(leftover_processes(d) or Path(d).exists() for d in dirs):
                    gone = time.monotonic() - t0
                time.sleep(0.1)
            left_15s.append(sum(len(leftover_processes(d)) for d in dirs) + sum(Path(d).exists() for d in dirs))
            gone_after.append(gone)
            for d in dirs:  # leave the machine clean even if the goal was missed
                for pid in leftover_processes(d):
                    os.kill(pid, signal.SIGKILL)
                shutil.rmtree(d, ignore_errors=True)

    benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info.update(left_after_15s=left_15s, gone_after_s=gone_after, processes_started=started)
    shown = ", ".join("—" if g is None else f"{g:.2f} s" for g in gone_after)
    print(f"\n[closing] kernel SIGKILLed {RUNS} times with etcd (3) + Redis (3) + Sentinel (3) + HAProxy running "
          f"({started} lab processes): processes + hakit-* dirs left 15 s later: {left_15s} (goal 0); "
          f"everything gone after: {shown}")
