"""Benchmarks for hakit.models.hpa, its figures and its widget callback.

Run: .venv/bin/pytest benchmarks -o python_files='bench_*.py' --benchmark-only
Goal: widget callback p95 <= 50 ms.
"""
import pytest

from hakit.figures.hpa import hpa_window_slider_figure
from hakit.models.hpa import behavior, bursty_load, simulate
from hakit.widgets.hpa import LOADS, MAX_PANEL_REPLICAS, MAX_PANEL_WINDOW, render_hpa

#: The panel's largest offered parameters: widest replica range, longest window, zero tolerance,
#: the fastest-changing load.
LARGEST = dict(target_value=5.0, tolerance=0.0, min_replicas=1, max_replicas=MAX_PANEL_REPLICAS,
               window=MAX_PANEL_WINDOW, load=list(LOADS)[2])


def test_bench_hpa_simulate_one_day(benchmark):
    """One day of 15 s syncs (5761) with the default behavior."""
    load = bursty_load(duration=86_400)
    run = benchmark.pedantic(simulate, args=(load,), kwargs=dict(max_replicas=50), rounds=3, iterations=1)
    assert len(run.steps) == 5761


@pytest.mark.goal(50)
def test_bench_hpa_widget_largest(benchmark):
    fig = benchmark.pedantic(render_hpa, kwargs=LARGEST, rounds=20, iterations=1, warmup_rounds=1)
    assert len(fig.data) == 5


def test_bench_hpa_slider_figure(benchmark):
    fig = benchmark.pedantic(hpa_window_slider_figure, rounds=3, iterations=1)
    assert len(fig.to_json()) < 300_000
