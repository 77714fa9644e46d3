"""Benchmarks for hakit.models.raft and its panel callback (timings are printed, never asserted).

Run (pytest-benchmark table + the goal table of benchmarks/conftest.py):
    .venv/bin/pytest benchmarks/bench_raft.py -o python_files='bench_*.py' --benchmark-only
Run standalone (wall and CPU time, median / p95, for the panel's largest offered parameters):
    .venv/bin/python benchmarks/bench_raft.py
Goals: simulator at the panel's largest parameters p95 <= 20 ms in CPython (Pyodide is 2-3x
slower, and its panel budget is 100 ms including drawing); 5 nodes x 60 s with etcd defaults <= 200 ms.
"""
from __future__ import annotations

import statistics
import sys
import time

import pytest

from hakit.models import raft as R
from hakit.widgets.raft import LARGEST, render_raft


def largest_run(seed: int = 0, **overrides):
    """What ``render_raft(**LARGEST)`` simulates (9 nodes, 60 s, 10 ms heartbeat, 50 % loss,
    partition and crash), without the figure."""
    p = {**LARGEST, **overrides}
    cfg = R.RaftConfig(n=p["n"], heartbeat_ms=p["heartbeat_ms"], election_timeout_ms=p["election_timeout_ms"],
                       delay_ms=(min(1.0, p["delay_max_ms"]), p["delay_max_ms"]), loss=p["loss"],
                       pre_vote=p["pre_vote"], check_quorum=p["check_quorum"])
    H = p["horizon_s"] * 1000.0
    return R.simulate(cfg, horizon_ms=H, seed=seed, partitions=(R.Partition(0.3 * H, 0.7 * H, (("leader",),)),),
                      crashes=(R.Crash("leader", 0.4 * H, 0.8 * H),), write_every_ms=max(p["heartbeat_ms"], H / 200),
                      record_messages=False)


@pytest.mark.goal(200)
def test_bench_raft_5_nodes_60_seconds(benchmark):
    """A 5-node, 60-simulated-second run (etcd defaults, a write every 100 ms, a crash, a partition)."""
    def run():
        return R.simulate(R.ETCD_DEFAULTS, horizon_ms=60_000, seed=1, write_every_ms=100,
                          crashes=(R.Crash("leader", 20_000, 30_000),),
                          partitions=(R.Partition(40_000, 45_000, (("leader",),)),), record_messages=False)
    tr = benchmark.pedantic(run, rounds=20, iterations=1, warmup_rounds=1)
    assert tr.violations == [] and len(tr.commits) > 400


@pytest.mark.goal(20)
def test_bench_raft_simulator_largest(benchmark):
    """The simulator alone at the panel's largest offered parameters (seeds vary per round)."""
    seeds = iter(range(10_000))
    tr = benchmark.pedantic(lambda: largest_run(next(seeds)), rounds=20, iterations=1, warmup_rounds=1)
    assert tr.violations == []


@pytest.mark.goal(20)
def test_bench_raft_simulator_largest_no_loss(benchmark):
    """As above with 0 % loss (every heartbeat arrives: the most messages to apply)."""
    seeds = iter(range(10_000))
    tr = benchmark.pedantic(lambda: largest_run(next(seeds), loss=0.0), rounds=20, iterations=1, warmup_rounds=1)
    assert tr.violations == []


@pytest.mark.goal(50)
def test_bench_raft_widget_largest(benchmark):
    """The panel callback (model + figure) at its largest offered parameters."""
    fig = benchmark.pedantic(render_raft, kwargs=LARGEST, rounds=20, iterations=1, warmup_rounds=1)
    assert len(fig.data) == 8


def _measure(fn, rounds: int) -> tuple:
    wall, cpu = [], []
    for k in range(rounds):
        w, c = time.perf_counter(), time.process_time()
        fn(k)
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    def stats(xs):
        xs = sorted(xs)
        return statistics.median(xs) * 1000, xs[max(0, -(-95 * len(xs) // 100) - 1)] * 1000
    return stats(wall), stats(cpu)


def main(rounds: int = 20) -> None:
    cases = [
        ("simulator, largest panel parameters (loss 50 %)", lambda k: largest_run(k)),
        ("simulator, largest panel parameters, loss 0 %", lambda k: largest_run(k, loss=0.0)),
        ("simulator, largest, record_messages=True (every message queued)",
         lambda k: R.simulate(**{**_largest_kwargs(k), "record_messages": True})),
        ("panel callback render_raft(**LARGEST) (model + figure)", lambda k: render_raft(**{**LARGEST, "seed": k})),
        ("panel defaults (5 nodes, 8 s, etcd timing)", lambda k: render_raft(
            n=5, election_timeout_ms=1000, heartbeat_ms=100, delay_max_ms=5.0, loss=0.0, partition=True,
            crash=False, pre_vote=True, check_quorum=True, seed=k, horizon_s=8)),
    ]
    print(f"{'case':66} {'wall median/p95 ms':>20} {'CPU median/p95 ms':>20}")
    for name, fn in cases:
        (wm, wp), (cm, cp) = _measure(fn, rounds)
        print(f"{name:66} {wm:9.1f} /{wp:7.1f}   {cm:9.1f} /{cp:7.1f}")


def _largest_kwargs(seed: int) -> dict:
    p = LARGEST
    H = p["horizon_s"] * 1000.0
    cfg = R.RaftConfig(n=p["n"], heartbeat_ms=p["heartbeat_ms"], election_timeout_ms=p["election_timeout_ms"],
                       delay_ms=(1.0, p["delay_max_ms"]), loss=p["loss"])
    return dict(config=cfg, horizon_ms=H, seed=seed, partitions=(R.Partition(0.3 * H, 0.7 * H, (("leader",),)),),
                crashes=(R.Crash("leader", 0.4 * H, 0.8 * H),), write_every_ms=max(p["heartbeat_ms"], H / 200))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
