"""Benchmarks for hakit.models.probes and its widget callback.

Run: .venv/bin/pytest benchmarks -o python_files='bench_*.py' --benchmark-only
Goal: widget callback p95 <= 50 ms.
"""
import pytest

from hakit.figures.probes import probe_scenarios_figure
from hakit.models.probes import ProbeSpec, AppBehavior, simulate
from hakit.widgets.probes import LARGEST, render_probes


def test_bench_probes_one_hour_one_second_period(benchmark):
    """One hour with all three probes every second and a hang: about 10,800 probe executions."""
    def run():
        return simulate(AppBehavior(startupSeconds=30, hangAt=1800), horizon=3600,
                        livenessProbe=ProbeSpec(periodSeconds=1), readinessProbe=ProbeSpec(periodSeconds=1),
                        startupProbe=ProbeSpec(periodSeconds=1, failureThreshold=60))
    tl = benchmark(run)
    assert tl.restart_count == 1 and len(tl.probes) > 7000


@pytest.mark.goal(50)
def test_bench_probes_widget_largest(benchmark):
    """The panel callback at its largest offered parameters (1 s period, 1 h horizon)."""
    fig = benchmark.pedantic(render_probes, kwargs=LARGEST, rounds=20, iterations=1, warmup_rounds=1)
    assert len(fig.data) == 11


def test_bench_probes_scenarios_figure(benchmark):
    fig = benchmark.pedantic(probe_scenarios_figure, rounds=3, iterations=1)
    assert len(fig.to_json()) < 300_000
