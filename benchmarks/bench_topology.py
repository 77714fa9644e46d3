"""Benchmarks of the failure-domain figures, the topology widget callbacks and the impact propagation.

Goal: widget callback p95 <= 50 ms at the panel's largest offered parameters. The book figures are
built once per page, their time is printed only.
"""
import pytest

from hakit.figures import topology as FT
from hakit.figures.workloads import ownership_figure, policy_failure_figure
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


def test_book_figure_external_etcd_all_choices(benchmark):
    """N.2.1: every default choice (28) precomputed into the dropdown."""
    g = T.k8s_ha_cluster("external")
    fig = benchmark.pedantic(FT.failure_figure, args=(g,), rounds=10, iterations=1, warmup_rounds=1)
    print(f"\nN.2.1 figure: {len(fig.layout.updatemenus[0].buttons)} choices, {len(fig.to_json()) / 1024:.0f} KiB")


def test_book_figure_policies(benchmark):
    """N.3.1: 5 placements × 8 failures."""
    graphs = {p: T.failure_points(3, p, key) for p, key in
              (("none", T.HOSTNAME), ("required", T.HOSTNAME), ("required", T.PHYSICAL_HOST), ("spread", T.ZONE))}
    choices = [("无故障", []), ("节点", ["A-host1-vm1"]), ("物理机", ["A-host1"]), ("数据中心 A", ["A"]),
               ("存储", ["storage"]), ("控制平面", ["control-plane"]), ("Pod", ["app-0"]), ("数据中心 B", ["B"])]
    fig = benchmark.pedantic(policy_failure_figure, args=(graphs, choices), rounds=10, iterations=1,
                             warmup_rounds=1)
    print(f"\nN.3.1 figure: {len(fig.data)} traces, {len(fig.to_json()) / 1024:.0f} KiB")


def test_book_figure_ownership(benchmark):
    fig = benchmark.pedantic(ownership_figure, args=(12,), rounds=10, iterations=1, warmup_rounds=1)
    print(f"\nN.3.2.1 figure (replicas=12): {len(fig.layout.sliders[0].steps)} steps")


def test_impact_platform(benchmark):
    g = T.platform_architecture()
    im = benchmark(T.impact, g, ["host1"])
    assert im.failed == {"host1"}
