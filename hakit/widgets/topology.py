"""故障域拓扑面板 (JupyterLab)：选一个拓扑与故障节点；或试验 Pod 放置策略。"""
from __future__ import annotations

import ipywidgets as W
import plotly.graph_objects as go

from hakit.figures.topology import failure_figure
from hakit.models import topology as T
from hakit.widgets._common import named, panel

__all__ = ["TOPOLOGIES", "render_topology", "topology_panel", "render_placement", "placement_panel"]

#: 面板里可选的拓扑：显示名 -> 构造函数。
TOPOLOGIES = {
    "Kubernetes 高可用（堆叠 etcd）": lambda: T.k8s_ha_cluster("stacked"),
    "Kubernetes 高可用（外部 etcd）": lambda: T.k8s_ha_cluster("external"),
    "容器云平台架构": T.platform_architecture,
    "五个潜在故障点": T.failure_points,
    "容器云平台高可用": T.platform_ha,
    "镜像仓库 (Harbor) 高可用": T.harbor_ha,
    "etcd 两地三中心 (2+2+1)": lambda: T.etcd_across_datacenters({"A": 2, "B": 2, "C": 1}),
}


def _parse_failed(failed: str) -> list[str]:
    return [x.strip() for x in str(failed).replace("，", ",").split(",") if x.strip()]


def render_topology(topology: str = "Kubernetes 高可用（堆叠 etcd）", failed: str = "cp1") -> go.Figure:
    """``failed`` 是逗号分隔的节点名（同时故障）；图只有这一种选择。未知节点给出中文错误与可用节点名。"""
    if topology not in TOPOLOGIES:
        raise ValueError(f"topology: Unsupported value: {topology!r}: 支持的取值为 {', '.join(TOPOLOGIES)}")
    g = TOPOLOGIES[topology]()
    names = _parse_failed(failed)
    missing = [n for n in names if n not in g]
    if missing:
        raise ValueError(f"failed: Not found: {', '.join(missing)}: 图中没有这些节点；可用的节点有 {', '.join(map(str, g.nodes))}")
    return failure_figure(g, choices=[names], title=topology)


def topology_panel() -> W.VBox:
    """控件：拓扑、故障节点（逗号分隔）。"""
    controls = [
        named(W.Dropdown(options=list(TOPOLOGIES), value="Kubernetes 高可用（堆叠 etcd）", description="拓扑"), "topology"),
        named(W.Text(value="cp1", description="故障节点"), "failed"),
    ]
    return panel(controls, render_topology, "一处故障会波及哪里")


def render_placement(replicas: int = 3, policy: str = "required", topology_key: str = T.HOSTNAME,
                     max_skew: int = 1, when_unsatisfiable: str = "DoNotSchedule") -> go.Figure:
    """两个数据中心 × 两台物理机 × 两个节点上放置一个 Deployment，可选择让哪个故障域失效（下拉菜单）。"""
    g = T.failure_points(app_replicas=0)
    g.remove_node("app")
    g = T.add_deployment(g, "web", replicas, policy, topology_key, max_skew, when_unsatisfiable, label="web")
    p = g.nodes["web"]["placement"]
    choices = [("无故障", [])] + [(T.label_of(g, n) + " 故障", [n]) for n, d in g.nodes(data=True)
                                  if d["kind"] in ("datacenter", "host", "node")]
    pend = f"，{len(p.pending)} 个 Pending" if p.pending else ""
    return failure_figure(g, choices=choices, title=f"policy={policy}, topologyKey={topology_key}{pend}")


def placement_panel() -> W.VBox:
    """控件：replicas、策略、topologyKey、maxSkew、whenUnsatisfiable。"""
    controls = [
        named(W.IntSlider(value=3, min=0, max=12, description="replicas"), "replicas"),
        named(W.Dropdown(options=[("无约束 (none)", "none"), ("反亲和 required", "required"),
                                  ("反亲和 preferred", "preferred"), ("topologySpreadConstraints", "spread")],
                         value="required", description="策略"), "policy"),
        named(W.Dropdown(options=[T.HOSTNAME, T.ZONE, T.PHYSICAL_HOST], value=T.HOSTNAME, description="topologyKey"),
              "topology_key"),
        named(W.IntSlider(value=1, min=1, max=5, description="maxSkew"), "max_skew"),
        named(W.Dropdown(options=["DoNotSchedule", "ScheduleAnyway"], value="DoNotSchedule",
                         description="whenUnsatisfiable"), "when_unsatisfiable"),
    ]
    return panel(controls, render_placement, "Pod 放置策略与故障域")
