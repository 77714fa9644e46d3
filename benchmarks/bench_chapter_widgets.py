"""Widget callbacks added with the chapters (leader election, Service/StatefulSet, kube-proxy).

Run: .venv/bin/pytest benchmarks -o python_files='bench_*.py' --benchmark-enable -k chapter
Goal: p95 <= 50 ms per callback. Sliders are benchmarked at their maxima; free-text fields at large
values a learner would plausibly type (the panels accept any valid number).
"""
import pytest

from hakit.widgets.kubeproxy import render_rules
from hakit.widgets.leaderelection import render_leaderelection
from hakit.widgets.service import render_chain, render_statefulset

CASES = {
    "leaderelection_60s_5_standbys": (render_leaderelection, dict(lease_duration=60, renew_deadline=40,
                                                                   retry_period=2, death_at=100, standbys=5)),
    "service_chain_12_pods_one_unready": (render_chain, dict(n=12, unready="3")),
    "statefulset_8_replicas": (render_statefulset, dict(replicas=8, delete=7)),
    "kubeproxy_10000_services_100_endpoints": (render_rules, dict(services=10_000, endpoints_per_service=100)),
}


@pytest.mark.goal(50)
@pytest.mark.parametrize("case", list(CASES))
def test_chapter_widget_callback(benchmark, case):
    render, kwargs = CASES[case]
    fig = benchmark.pedantic(render, kwargs=kwargs, rounds=20, iterations=1, warmup_rounds=1)
    assert fig.data
