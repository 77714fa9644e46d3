"""Benchmarks of the topology widget callbacks and the impact propagation.

Goal: widget callback p95 <= 50 ms at the panel's largest offered parameters.
"""
import pytest

from hakit.models import topology as T
from hakit.widgets.topology import render_placement, render_topology


@pytest.mark.goal(50)
def test_render_topology(benchmark):
    fig = benchmark.pedantic(render_topology, args=("Kubernetes 高可用（堆叠 etcd）", "cp1, cp2"), rounds=20,
                             iterations=1, warmup_rounds=1)
    assert fig.data


@pytest.mark.goal(50)
def test_render_topology_largest(benchmark):
    """The largest offered topology (external etcd: 37 nodes, 57 edges)."""
    fig = benchmark.pedantic(render_topology, args=("Kubernetes 高可用（外部 etcd）", "cp1, cp2"), rounds=20,
                             iterations=1, warmup_rounds=1)
    assert fig.data


@pytest.mark.goal(50)
def test_render_placement(benchmark):
    fig = benchmark.pedantic(render_placement, args=(6, "spread", T.ZONE, 1, "DoNotSchedule"), rounds=20,
                             iterations=1, warmup_rounds=1)
    assert fig.data


@pytest.mark.goal(50)
def test_render_placement_largest(benchmark):
    """replicas = 12 (the slider's maximum)."""
    fig = benchmark.pedantic(render_placement, args=(12, "spread", T.ZONE, 1, "DoNotSchedule"), rounds=20,
                             iterations=1, warmup_rounds=1)
    assert fig.data


def test_impact_platform(benchmark):
    g = T.platform_architecture()
    im = benchmark(T.impact, g, ["host1"])
    assert im.failed == {"host1"}
