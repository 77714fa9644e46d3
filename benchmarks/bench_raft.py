"""Benchmarks for hakit.models.raft and its widget callback.

Run: .venv/bin/pytest benchmarks -o python_files='bench_*.py' --benchmark-only
Goals: 5 nodes, 60 simulated seconds <= 200 ms; widget callback p95 <= 50 ms.
"""
import pytest

from hakit.models.raft import ETCD_DEFAULTS, Crash, Partition, simulate
from hakit.widgets.raft import LARGEST, render_raft


@pytest.mark.goal(200)
def test_bench_raft_5_nodes_60_seconds(benchmark):
    """Goal: a 5-node, 60-simulated-second run (etcd defaults, a write every 100 ms) in ≤ 200 ms."""
    def run():
        return simulate(ETCD_DEFAULTS, horizon_ms=60_000, seed=1, write_every_ms=100,
                        crashes=(Crash("leader", 20_000, 30_000),),
                        partitions=(Partition(40_000, 45_000, (("leader",),)),))
    tr = benchmark.pedantic(run, rounds=20, iterations=1, warmup_rounds=1)
    assert tr.violations == [] and len(tr.commits) > 400
    assert benchmark.stats.stats.median < 0.2


@pytest.mark.goal(50)
def test_bench_raft_widget_largest(benchmark):
    """The panel callback at its largest offered parameters (9 nodes, 60 s, 10 ms heartbeat)."""
    fig = benchmark.pedantic(render_raft, kwargs=LARGEST, rounds=20, iterations=1, warmup_rounds=1)
    assert len(fig.data) == 8
