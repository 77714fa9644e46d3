"""Benchmarks for hakit.models.rollout, its figures and its widget callback.

Run: .venv/bin/pytest benchmarks -o python_files='bench_*.py' --benchmark-only
Goals: simulate(1000) <= 100 ms; widget callback p95 <= 50 ms.
"""
import pytest

from hakit.figures.rollout import rollout_slider_figure
from hakit.models.rollout import simulate
from hakit.widgets.rollout import MAX_PANEL_REPLICAS, render_rollout

#: The panel's largest offered parameters: most replicas, one pod at a time (the most syncs),
#: the longest start-up and minReadySeconds.
LARGEST = dict(replicas=MAX_PANEL_REPLICAS, max_surge="1", max_unavailable="0", startup_seconds=60,
               min_ready_seconds=60, bad_image=False, rollback_at="", progress_deadline_seconds="600")


@pytest.mark.goal(100)
def test_bench_rollout_1000_default(benchmark):
    """1000 replicas with the default 25 % / 25 %."""
    r = benchmark.pedantic(simulate, args=(1000,), rounds=20, iterations=1, warmup_rounds=1)
    assert r.complete and max(s.total_pods for s in r.steps) == 1250


def test_bench_rollout_1000_one_at_a_time(benchmark):
    """1000 replicas, maxSurge 1 / maxUnavailable 0 with minReadySeconds: 1000 waves, 3000 syncs
    that scale, plus the two that only change the Progressing condition (ReplicaSetUpdated after
    the creation, NewReplicaSetAvailable after the last scale-down)."""
    r = benchmark.pedantic(simulate, args=(1000, 1, 0), kwargs=dict(startup_seconds=5, min_ready_seconds=5),
                           rounds=5, iterations=1)
    assert r.complete and len(r.steps) == 3002


@pytest.mark.goal(50)
def test_bench_rollout_widget_largest(benchmark):
    fig = benchmark.pedantic(render_rollout, kwargs=LARGEST, rounds=20, iterations=1, warmup_rounds=1)
    assert len(fig.data) == 6


@pytest.mark.goal(50)
def test_bench_rollout_widget_bad_image_rollback(benchmark):
    kw = dict(LARGEST, bad_image=True, rollback_at="900")
    fig = benchmark.pedantic(render_rollout, kwargs=kw, rounds=20, iterations=1, warmup_rounds=1)
    assert len(fig.data) == 6


def test_bench_rollout_slider_figure(benchmark):
    fig = benchmark.pedantic(rollout_slider_figure, rounds=3, iterations=1)
    assert len(fig.to_json()) < 300_000
