"""故障域拓扑面板：选一个拓扑与故障节点；或试验 Pod 放置策略。"""
from __future__ import annotations

from hakit.figures.topology import failure_figure
from hakit.models import topology as T
from hakit.panels import Control, Panel, register

__all__ = ["TOPOLOGY", "PLACEMENT", "TOPOLOGIES", "render_topology", "render_placement"]

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


def render_topology(topology: str = "Kubernetes 高可用（堆叠 etcd）", failed: str = "cp1"):
    """``failed`` 是逗号分隔的节点名（同时故障）；图只有这一种选择。未知节点给出中文错误与可用节点名。"""
    if topology not in TOPOLOGIES:
        raise ValueError(f"topology: Unsupported value: {topology!r}: 支持的取值为 {', '.join(TOPOLOGIES)}")
    g = TOPOLOGIES[topology]()
    names = _parse_failed(failed)
    missing = [n for n in names if n not in g]
    if missing:
        raise ValueError(f"failed: Not found: {', '.join(missing)}: 图中没有这些节点；可用的节点有 {', '.join(map(str, g.nodes))}")
    return failure_figure(g, choices=[names], title=topology)


def render_placement(replicas: int = 3, policy: str = "required", topology_key: str = T.HOSTNAME,
                     max_skew: int = 1, when_unsatisfiable: str = "DoNotSchedule"):
    """两个数据中心 × 两台物理机 × 两个节点上放置一个 Deployment，可选择让哪个故障域失效（下拉菜单）。"""
    g = T.failure_points(app_replicas=0)
    g.remove_node("app")
    g = T.add_deployment(g, "web", replicas, policy, topology_key, max_skew, when_unsatisfiable, label="web")
    p = g.nodes["web"]["placement"]
    choices = [("无故障", [])] + [(T.label_of(g, n) + " 故障", [n]) for n, d in g.nodes(data=True)
                                  if d["kind"] in ("datacenter", "host", "node")]
    pend = f"，{len(p.pending)} 个 Pending" if p.pending else ""
    return failure_figure(g, choices=choices, title=f"policy={policy}, topologyKey={topology_key}{pend}")


TOPOLOGY = register(Panel(
    name="topology", title="一处故障会波及哪里", render=render_topology,
    controls=(
        Control("topology", "choice", "拓扑", "Kubernetes 高可用（堆叠 etcd）",
                choices=tuple((k, k) for k in TOPOLOGIES)),
        Control("failed", "text", "故障节点", "cp1"),
    ),
    largest=dict(topology="Kubernetes 高可用（外部 etcd）", failed="cp1, cp2"),
))

PLACEMENT = register(Panel(
    name="placement", title="Pod 放置策略与故障域", render=render_placement,
    controls=(
        Control("replicas", "int", "replicas", 3, min=0, max=12, slider=True),
        Control("policy", "choice", "策略", "required",
                choices=(("无约束 (none)", "none"), ("反亲和 required", "required"),
                         ("反亲和 preferred", "preferred"), ("topologySpreadConstraints", "spread"))),
        Control("topology_key", "choice", "topologyKey", T.HOSTNAME,
                choices=tuple((k, k) for k in (T.HOSTNAME, T.ZONE, T.PHYSICAL_HOST))),
        Control("max_skew", "int", "maxSkew", 1, min=1, max=5, slider=True),
        Control("when_unsatisfiable", "choice", "whenUnsatisfiable", "DoNotSchedule",
                choices=(("DoNotSchedule", "DoNotSchedule"), ("ScheduleAnyway", "ScheduleAnyway"))),
    ),
    largest=dict(replicas=12, policy="spread", topology_key=T.ZONE, max_skew=1, when_unsatisfiable="DoNotSchedule"),
))
