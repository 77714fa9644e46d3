"""Benchmarks of the real Redis Sentinel + HAProxy lab (hakit.lab.redis_sentinel).

Run: .venv/bin/pytest benchmarks -o python_files='bench_*.py' --benchmark-only -k lab_redis
Prints the measured figures (start-up time, failover windows, lost writes) to the terminal.
Skipped when redis-server or haproxy is missing.
"""
from __future__ import annotations

import pytest

from hakit.lab.process import MissingBinaryError, leftover_processes
from hakit.lab.redis_sentinel import LocalRedisSentinel, preflight, summarize
from hakit.models.sentinel import failover_timeline


def _need():
    try:
        preflight()
    except MissingBinaryError as e:
        pytest.skip(f"缺少 redis-server / haproxy：{e}")


def _fmt(s: dict) -> str:
    return f"n={s['n']} min={s['min']:.2f} s median={s['median']:.2f} s max={s['max']:.2f} s"


def test_bench_lab_redis_startup(benchmark, capsys):
    _need()
    times, dirs = [], []

    def once():
        lab = LocalRedisSentinel()
        with lab:
            times.append(lab.startup_seconds)
        dirs.append(lab.dir.name)

    benchmark.pedantic(once, rounds=3, iterations=1)
    assert all(leftover_processes(d) == [] for d in dirs)
    s = summarize(times)
    benchmark.extra_info["startup_s"] = s
    with capsys.disabled():
        print(f"\n[lab_redis] start-up (1 master, 2 replicas, 3 sentinels, haproxy): {_fmt(s)}")
    # a measurement: printed, never asserted


def test_bench_lab_redis_failover_window(benchmark, capsys):
    _need()
    windows, sdown = [], []
    with LocalRedisSentinel(down_after_milliseconds=2000) as lab:
        def once():
            r = lab.measure_failover(timeout=20)
            lab.wait_for_failover(10)
            lab.heal(15)
            windows.append(r["window"])
            sdown.append(r["sdown"])

        benchmark.pedantic(once, rounds=3, iterations=1)
        no_wait = lab.measure_async_loss(30)
        lab.heal(15)
        with_wait = lab.measure_async_loss(30, wait_replicas=1, wait_ms=100)
    # kills follow each other (each round heals and kills again): Sentinel links were just reset
    pred = failover_timeline(down_after_ms=2000, sentinels=3, quorum=2, inter_ms=500, fall=2, rise=1,
                             after_failover=True)
    s = summarize(windows)
    benchmark.extra_info.update(window_s=s, lost_no_wait=no_wait["lost_acknowledged"],
                                lost_with_wait=with_wait["lost_acknowledged"])
    with capsys.disabled():
        lo, typ, hi = (v / 1000 for v in pred.write_unavailable)
        print(f"\n[lab_redis] write-unavailability window via HAProxy (down-after 2000 ms, inter 500ms fall 2 rise 1): "
              f"{_fmt(s)}; first +sdown {_fmt(summarize(sdown))}; model [{lo:.2f}, {typ:.2f}, {hi:.2f}] s")
        print(f"[lab_redis] replicas cut off, 30 writes, master killed: lost {no_wait['lost_acknowledged']}/"
              f"{no_wait['acknowledged']} acknowledged without WAIT; with WAIT 1 100: "
              f"{with_wait['acknowledged']} acknowledged, {with_wait['lost_acknowledged']} lost")
    assert no_wait["lost_acknowledged"] == 30 and with_wait["lost_acknowledged"] == 0
