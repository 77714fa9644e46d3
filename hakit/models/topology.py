"""故障域拓扑 (failure-domain topology)：谁运行在谁之上、谁依赖谁，一处故障会波及哪里。

图是 ``networkx.DiGraph``，节点带类型 ``kind``（见 :data:`KINDS`），有向边带关系 ``rel``：

* ``runs_on``  ``u -> v``：u 运行在 v 之上（Pod 运行在 Node 上，Node 运行在 VM/物理机上，
  物理机在机柜里，机柜在数据中心里……）。v 故障，u 随之故障（向下传播）。
* ``depends_on`` ``u -> v``：u 依赖 v（kube-apiserver 依赖 etcd，LB 依赖 kube-apiserver）。
  v 故障，u 随之故障（横向传播）。边属性 ``soft=True`` 表示弱依赖：v 故障时 u 仍在运行，
  但 “受影响”（例如镜像仓库不可用时，已运行的 Pod 正常，但新 Pod 拉不到镜像）。
* ``member_of`` ``u -> g``：u 是组 g 的成员/副本（Pod 是 Deployment/Service 的副本，
  etcd 成员属于 etcd 集群）。组是否存活由就绪成员数决定：``service`` 至少要
  ``min_ready``（默认 1）个就绪副本；``etcd_cluster`` 要保有法定人数
  （:func:`hakit.models.quorum.has_quorum`）。

:func:`impact` 计算一组故障的后果：哪些节点宕机 (down)、哪些受影响但还在服务 (affected)、
丢失了哪些 Pod 和 etcd 成员、每个服务还有没有就绪副本、etcd 是否保有法定人数。

:func:`schedule` / :func:`add_deployment` 是一个确定性的简化调度器，遵循 Kubernetes 的
Pod 反亲和 (podAntiAffinity) 与拓扑分布约束 (topologySpreadConstraints) 语义：

* https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/
  （``requiredDuringSchedulingIgnoredDuringExecution`` 是硬约束，不满足则 Pod 保持
  Pending；``preferredDuringSchedulingIgnoredDuringExecution`` 只影响打分）
* https://kubernetes.io/docs/concepts/scheduling-eviction/topology-spread-constraints/
  （skew = 该拓扑域内匹配的 Pod 数 + 1 − 所有合格拓扑域中的最小值；
  ``whenUnsatisfiable: DoNotSchedule`` 时 skew 不得超过 ``maxSkew``，否则 Pod Pending；
  ``ScheduleAnyway`` 时只是优先选择 skew 小的节点）

节点标签：``kubernetes.io/hostname`` 是节点名，``topology.kubernetes.io/zone`` 是节点所在的
数据中心，``topology.kubernetes.io/region`` 是所在区域（均沿 ``runs_on`` 链推导，也可在节点的
``labels`` 属性中显式给出）。另外推导出两个本书自定义的键 ``hakit.io/physical-host`` 与
``hakit.io/rack``，用来演示源章节 N.1.2 说的 “对物理机的反亲和”（Kubernetes 本身并不知道
两个 VM 是否在同一台物理机上，必须由基础设施团队打上这样的标签）。

这里只有纯 Python 与 networkx，不画图；画图见 ``hakit.figures.topology``。
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple, Sequence

import networkx as nx

from hakit.models.quorum import has_quorum, majority

__all__ = [
    "KINDS",
    "KIND_NAMES",
    "LAYER",
    "RELS",
    "HOSTNAME",
    "ZONE",
    "REGION",
    "PHYSICAL_HOST",
    "RACK",
    "POLICIES",
    "new_graph",
    "add",
    "depends",
    "member",
    "validate",
    "layer_of",
    "label_of",
    "node_labels",
    "ServiceStatus",
    "EtcdStatus",
    "Impact",
    "impact",
    "Placement",
    "schedule",
    "add_deployment",
    "affinity_spec",
    "etcd_dc_loss",
    "etcd_placements",
    "platform_architecture",
    "k8s_ha_cluster",
    "etcd_across_datacenters",
    "failure_points",
    "platform_ha",
    "harbor_ha",
    "deployment_chain",
    "clusterip_iptables",
]

#: 节点类型。前六种是故障域 (failure domain)，后面是运行在其上的东西与逻辑分组。
KINDS: tuple[str, ...] = (
    "region", "datacenter", "rack", "host", "vm", "node",
    "pod", "etcd_member", "component", "storage", "service", "etcd_cluster", "app",
)
KIND_NAMES: dict[str, str] = {
    "region": "区域 (region)", "datacenter": "数据中心 (zone)", "rack": "机柜 (rack)",
    "host": "物理机 (host)", "vm": "虚拟机 (VM)", "node": "Kubernetes 节点 (Node)",
    "pod": "Pod", "etcd_member": "etcd 成员", "component": "组件", "storage": "存储",
    "service": "服务 (Deployment/Service)", "etcd_cluster": "etcd 集群", "app": "应用/平台",
}
#: 画图时的默认层号（自下而上）。节点可用属性 ``layer`` 覆盖。
LAYER: dict[str, int] = {
    "region": 0, "datacenter": 1, "rack": 2, "host": 3, "vm": 4, "node": 5,
    "storage": 6, "pod": 6, "etcd_member": 6, "component": 6,
    "service": 7, "etcd_cluster": 7, "app": 8,
}
RELS: tuple[str, ...] = ("runs_on", "depends_on", "member_of")

HOSTNAME = "kubernetes.io/hostname"
ZONE = "topology.kubernetes.io/zone"
REGION = "topology.kubernetes.io/region"
PHYSICAL_HOST = "hakit.io/physical-host"
RACK = "hakit.io/rack"

#: :func:`schedule` 的放置策略。
POLICIES: tuple[str, ...] = ("none", "required", "preferred", "spread")
_WHEN = ("DoNotSchedule", "ScheduleAnyway")


# ---------------------------------------------------------------------------------------------
# 构图
# ---------------------------------------------------------------------------------------------
def new_graph(name: str = "") -> nx.DiGraph:
    """一个空的故障域图。"""
    g = nx.DiGraph()
    g.graph["name"] = name
    return g


def _require_node(graph: nx.DiGraph, node: object, what: str = "node") -> None:
    if node not in graph:
        raise ValueError(f"{what}: Not found: {node!r}: 图中没有这个节点")


def add(graph: nx.DiGraph, node: str, kind: str, *, on: str | None = None,
        label: str | None = None, **attrs: object) -> str:
    """加入一个节点（原地修改 ``graph``），``on`` 给出它运行在哪个节点上（``runs_on`` 边）。返回节点名。"""
    if kind not in KINDS:
        raise ValueError(f"kind: Unsupported value: {kind!r}: 支持的取值为 {', '.join(KINDS)}")
    if node in graph:
        raise ValueError(f"node: Duplicate value: {node!r}: 节点名必须唯一")
    if on is not None:
        _require_node(graph, on, "on")
    graph.add_node(node, kind=kind, label=label or node, **attrs)
    if on is not None:
        graph.add_edge(node, on, rel="runs_on")
    return node


def depends(graph: nx.DiGraph, node: str, *targets: str, soft: bool = False) -> None:
    """``node`` 依赖 ``targets``（``depends_on`` 边；``soft=True`` 为弱依赖，只标记受影响）。"""
    _require_node(graph, node)
    for t in targets:
        _require_node(graph, t, "target")
        graph.add_edge(node, t, rel="depends_on", soft=bool(soft))


def member(graph: nx.DiGraph, node: str, group: str) -> None:
    """``node`` 是组 ``group``（``service`` / ``etcd_cluster`` / ``app``）的成员（``member_of`` 边）。"""
    _require_node(graph, node)
    _require_node(graph, group, "group")
    graph.add_edge(node, group, rel="member_of")


def validate(graph: nx.DiGraph) -> None:
    """检查图：每个节点有合法的 ``kind``，每条边有合法的 ``rel``，每个节点至多运行在一个节点上。"""
    if not isinstance(graph, nx.DiGraph):
        raise ValueError("graph: Invalid value: 必须是 networkx.DiGraph（请用本模块的构造函数建图）")
    for n, d in graph.nodes(data=True):
        if d.get("kind") not in KINDS:
            raise ValueError(f"nodes[{n!r}].kind: Unsupported value: {d.get('kind')!r}: 支持的取值为 {', '.join(KINDS)}")
        ons = [v for _, v, r in graph.out_edges(n, data="rel") if r == "runs_on"]
        if len(ons) > 1:
            raise ValueError(f"nodes[{n!r}]: Invalid value: 同时运行在 {ons} 上：一个节点只能运行在一个节点上")
    for u, v, r in graph.edges(data="rel"):
        if r not in RELS:
            raise ValueError(f"edges[{u!r}->{v!r}].rel: Unsupported value: {r!r}: 支持的取值为 {', '.join(RELS)}")


def layer_of(graph: nx.DiGraph, node: str) -> int:
    """画图用的层号：节点属性 ``layer``，否则按 ``kind`` 取 :data:`LAYER`。"""
    d = graph.nodes[node]
    return int(d.get("layer", LAYER.get(d.get("kind"), 6)))


def label_of(graph: nx.DiGraph, node: str) -> str:
    """节点的显示名（属性 ``label``，缺省为节点名）。"""
    return str(graph.nodes[node].get("label", node))


def _runs_on(graph: nx.DiGraph, node: str) -> str | None:
    for _, v, r in graph.out_edges(node, data="rel"):
        if r == "runs_on":
            return v
    return None


def _ancestor(graph: nx.DiGraph, node: str, kind: str) -> str | None:
    seen = set()
    cur = _runs_on(graph, node)
    while cur is not None and cur not in seen:
        if graph.nodes[cur].get("kind") == kind:
            return cur
        seen.add(cur)
        cur = _runs_on(graph, cur)
    return None


def node_labels(graph: nx.DiGraph, node: str) -> dict[str, str]:
    """一个 Kubernetes 节点的拓扑标签（沿 ``runs_on`` 链推导，``labels`` 属性优先）。"""
    _require_node(graph, node)
    labels: dict[str, str] = {HOSTNAME: str(graph.nodes[node].get("hostname", node))}
    for key, kind in ((ZONE, "datacenter"), (REGION, "region"), (PHYSICAL_HOST, "host"), (RACK, "rack")):
        a = _ancestor(graph, node, kind)
        if a is not None:
            labels[key] = str(a)
    labels.update(graph.nodes[node].get("labels", {}) or {})
    return labels


# ---------------------------------------------------------------------------------------------
# 故障影响
# ---------------------------------------------------------------------------------------------
class ServiceStatus(NamedTuple):
    """一个服务组在故障后的状态：就绪副本数、副本总数、是否可用。"""

    ready: int
    total: int
    available: bool


class EtcdStatus(NamedTuple):
    """一个 etcd 集群在故障后的状态：存活成员数、成员总数、是否保有法定人数。"""

    alive: int
    members: int
    quorum: bool


@dataclass(frozen=True)
class Impact:
    """:func:`impact` 的结果。

    * ``failed``：输入的故障节点；``down``：宕机的全部节点（含 ``failed`` 与被波及的）；
    * ``affected``：仍在服务、但失去了部分成员（冗余减少）的组，或弱依赖宕机/受影响的节点
      （硬依赖于一个 “受影响” 的组不算受影响：组仍可用）；
    * ``pending``：从未被调度的 Pod（不就绪，但不算被故障 “丢失”）；
    * ``lost_pods`` / ``lost_members``：宕机的 Pod / etcd 成员（排序后的列表）；
    * ``services``：服务名 -> :class:`ServiceStatus` ``(ready, total, available)``；
    * ``etcd``：etcd 集群名 -> :class:`EtcdStatus` ``(alive, members, quorum)``。
    """

    failed: frozenset
    down: frozenset
    affected: frozenset
    pending: frozenset
    lost_pods: list
    lost_members: list
    services: dict
    etcd: dict
    labels: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        """所有服务都有就绪副本、所有 etcd 集群都保有法定人数。"""
        return all(v[2] for v in self.services.values()) and all(v[2] for v in self.etcd.values())

    def status(self, node: str) -> str:
        """``"failed"``（输入的故障）、``"down"``（被波及）、``"affected"``、``"pending"`` 或 ``"ok"``。"""
        if node in self.failed:
            return "failed"
        if node in self.down:
            return "down"
        if node in self.pending:
            return "pending"
        if node in self.affected:
            return "affected"
        return "ok"

    def summary(self) -> str:
        """一段中文说明（多行），用作图注。"""
        name = lambda n: self.labels.get(n, str(n))  # noqa: E731
        lines = []
        if self.failed:
            lines.append("故障：" + "、".join(name(n) for n in sorted(self.failed, key=str)))
            extra = len(self.down) - len(self.failed)
            lines.append(f"连带宕机 {extra} 项；受影响 {len(self.affected)} 项")
        else:
            lines.append("无故障")
        if self.lost_pods:
            lines.append("丢失 Pod：" + "、".join(name(p) for p in self.lost_pods))
        if self.lost_members:
            lines.append("丢失 etcd 成员：" + "、".join(name(m) for m in self.lost_members))
        for s, (ready, total, ok) in self.services.items():
            lines.append(f"{name(s)}：{ready}/{total} 就绪，" + ("可用" if ok else "不可用"))
        for c, (alive, members, q) in self.etcd.items():
            lines.append(f"{name(c)}：{alive}/{members} 存活，" + ("保有法定人数" if q else "失去法定人数，不可写"))
        return "\n".join(lines)


def _group_need(graph: nx.DiGraph, g: str, n_members: int) -> int:
    d = graph.nodes[g]
    need = d.get("min_ready")
    if need is None:
        if d.get("kind") == "etcd_cluster":
            return majority(n_members) if n_members else 1
        return 1
    if need == "quorum":
        return majority(n_members) if n_members else 1
    if need == "all":
        return n_members
    return int(need)


def _edges_by_rel(graph: nx.DiGraph) -> tuple[dict, dict, dict]:
    """成员表（组 -> 成员）、硬依赖（runs_on 与强 depends_on）与弱依赖，都按源节点分组。"""
    members: dict[str, list[str]] = {}
    hard: dict[str, list[str]] = {n: [] for n in graph.nodes}
    soft: dict[str, list[str]] = {n: [] for n in graph.nodes}
    for u, v, d in graph.edges(data=True):
        r = d.get("rel")
        if r == "member_of":
            members.setdefault(v, []).append(u)
        elif r == "runs_on" or (r == "depends_on" and not d.get("soft")):
            hard[u].append(v)
        elif r == "depends_on":
            soft[u].append(v)
    return members, hard, soft


def _ready(ms: list, down: set, pending: frozenset) -> int:
    return sum(1 for m in ms if m not in down and m not in pending)


def _propagate_down(graph, order, failed, members, hard, pending) -> set:
    """不动点：硬依赖宕机的节点宕机；就绪成员不足的组宕机。"""
    down = set(failed)
    changed = True
    while changed:
        changed = False
        for n in order:
            if n in down:
                continue
            dead = any(t in down for t in hard[n])
            if not dead and n in members:
                dead = _ready(members[n], down, pending) < _group_need(graph, n, len(members[n]))
            if dead:
                down.add(n)
                changed = True
    return down


def _propagate_affected(order, down, members, soft, pending) -> set:
    """不动点：弱依赖宕机或受影响的节点受影响；失去成员（或有 Pending 成员）的组受影响。
    硬依赖只是 “失去了冗余” 时不算（否则整张图都会变橙）。"""
    affected: set[str] = set()
    changed = True
    while changed:
        changed = False
        for n in order:
            if n in down or n in affected:
                continue
            hit = any(t in down or t in affected for t in soft[n])
            if not hit and n in members:
                hit = any(m in down or m in affected or m in pending for m in members[n])
            if hit:
                affected.add(n)
                changed = True
    return affected


def impact(graph: nx.DiGraph, failed: Iterable[str]) -> Impact:
    """一组节点故障的后果（故障沿 ``runs_on`` 向下、沿 ``depends_on`` 横向、经 ``member_of`` 向组传播）。

    单调：故障集合越大，``down`` 越大（所有传播规则都是单调的）。未调度的 Pod（没有
    ``runs_on`` 边、``phase == "Pending"``）不就绪，计入服务总副本数但不计入就绪数。
    """
    failed = frozenset([failed] if isinstance(failed, str) else failed)
    for f in failed:
        _require_node(graph, f, "failed")
    kind = lambda n: graph.nodes[n].get("kind")  # noqa: E731
    pending = frozenset(n for n in graph.nodes if kind(n) == "pod" and graph.nodes[n].get("phase") == "Pending")
    members, hard, soft = _edges_by_rel(graph)
    try:
        order = list(reversed(list(nx.topological_sort(graph))))
    except nx.NetworkXUnfeasible:
        order = list(graph.nodes)
    down = _propagate_down(graph, order, failed, members, hard, pending)
    affected = _propagate_affected(order, down, members, soft, pending)
    services = {g: ServiceStatus(_ready(ms, down, pending), len(ms), g not in down)
                for g, ms in members.items() if kind(g) == "service"}
    etcd = {g: EtcdStatus(_ready(ms, down, pending), len(ms), has_quorum(len(ms), _ready(ms, down, pending)))
            for g, ms in members.items() if kind(g) == "etcd_cluster"}
    order_of = {n: i for i, n in enumerate(graph.nodes)}
    return Impact(
        failed=failed, down=frozenset(down), affected=frozenset(affected), pending=pending,
        lost_pods=sorted((n for n in down if kind(n) == "pod"), key=str),
        lost_members=sorted((n for n in down if kind(n) == "etcd_member"), key=str),
        services=dict(sorted(services.items(), key=lambda kv: order_of[kv[0]])),
        etcd=dict(sorted(etcd.items(), key=lambda kv: order_of[kv[0]])),
        labels={n: label_of(graph, n) for n in graph.nodes},
    )


# ---------------------------------------------------------------------------------------------
# 调度
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Placement:
    """:func:`schedule` 的结果：``assignments`` 为 Pod 名 -> 节点名（Pending 为 ``None``）。"""

    app: str
    assignments: dict
    policy: str
    topology_key: str

    @property
    def pending(self) -> list:
        """未能调度、保持 Pending 的 Pod。"""
        return [p for p, n in self.assignments.items() if n is None]

    def counts(self, graph: nx.DiGraph, key: str | None = None) -> dict[str, int]:
        """每个拓扑域（缺省按 ``topology_key``）里有几个本应用的 Pod。"""
        key = key or self.topology_key
        out: dict[str, int] = {}
        for n in self.assignments.values():
            if n is not None:
                dom = node_labels(graph, n).get(key, "")
                out[dom] = out.get(dom, 0) + 1
        return out


def _schedulable_nodes(graph: nx.DiGraph, nodes: Sequence[str] | None) -> list[str]:
    if nodes is None:
        return [n for n, d in graph.nodes(data=True)
                if d.get("kind") == "node" and d.get("schedulable", True)]
    out = []
    for n in nodes:
        _require_node(graph, n, "nodes")
        if graph.nodes[n].get("kind") != "node":
            raise ValueError(f"nodes: Invalid value: {n!r}: 不是 Kubernetes 节点（kind 必须为 node）")
        out.append(n)
    return out


def schedule(graph: nx.DiGraph, app: str, replicas: int, policy: str = "none",
             topology_key: str = HOSTNAME, max_skew: int = 1,
             when_unsatisfiable: str = "DoNotSchedule",
             nodes: Sequence[str] | None = None) -> Placement:
    """把 Deployment ``app`` 的 ``replicas`` 个 Pod 逐个放到节点上（确定性、简化的 kube-scheduler）。

    候选节点：``kind == "node"`` 且属性 ``schedulable`` 不为 False（控制平面节点带
    ``NoSchedule`` 污点，构造函数把它们设为不可调度）；每个节点最多 ``max_pods``（默认 110）
    个 Pod（含图中已有的 Pod）。``policy``：

    * ``"none"``：没有约束。调度器 *可以* 把它们挤在一起；这里按节点顺序首次适配
      (first fit)，展示最坏情况（默认调度器的打分通常会分散一些，但不作保证）。
    * ``"required"``：``podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution``，
      ``topologyKey`` 为 ``topology_key``：同一拓扑域里最多一个本应用 Pod；放不下的 Pod Pending。
    * ``"preferred"``：``preferredDuringSchedulingIgnoredDuringExecution``：优先选本应用
      Pod 最少的拓扑域，永远不会因此 Pending。
    * ``"spread"``：``topologySpreadConstraints``（``maxSkew``、``topologyKey``、
      ``whenUnsatisfiable``）。skew = 域内计数 + 1 − 全局最小计数（在所有合格节点的域上取最小）。

    平分时选已有 Pod 最少的节点，再按节点在图中的顺序。不修改 ``graph``。
    """
    if policy not in POLICIES:
        raise ValueError(f"policy: Unsupported value: {policy!r}: 支持的取值为 {', '.join(POLICIES)}")
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
        raise ValueError(f"spec.replicas: Invalid value: {replicas!r}: must be greater than or equal to 0（必须是非负整数）")
    if isinstance(max_skew, bool) or not isinstance(max_skew, int) or max_skew < 1:
        raise ValueError(f"spec.topologySpreadConstraints[0].maxSkew: Invalid value: {max_skew!r}: must be greater than zero（必须是大于 0 的整数）")
    if when_unsatisfiable not in _WHEN:
        raise ValueError(f"spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: {when_unsatisfiable!r}: supported values: \"DoNotSchedule\", \"ScheduleAnyway\"")
    if not isinstance(topology_key, str) or not topology_key:
        raise ValueError("topologyKey: Required value: 不能为空，例如 kubernetes.io/hostname 或 topology.kubernetes.io/zone")
    cand = _schedulable_nodes(graph, nodes)
    labels = {n: node_labels(graph, n) for n in cand}
    used = {n: sum(1 for u, _, r in graph.in_edges(n, data="rel")
                   if r == "runs_on" and graph.nodes[u].get("kind") in ("pod", "etcd_member", "component"))
            for n in cand}
    cap = {n: int(graph.nodes[n].get("max_pods", 110)) for n in cand}
    dom = {n: labels[n].get(topology_key) for n in cand}
    domains = sorted({d for d in dom.values() if d is not None})
    count = {d: 0 for d in domains}
    assignments: dict[str, str | None] = {}
    for i in range(replicas):
        pod = f"{app}-{i}"
        free = [n for n in cand if used[n] < cap[n]]
        choice: str | None = None
        if policy == "none":
            choice = free[0] if free else None
        elif policy == "required":
            ok = [n for n in free if dom[n] is None or count[dom[n]] == 0]
            choice = min(ok, key=lambda n: (used[n], cand.index(n))) if ok else None
        elif policy == "preferred":
            if free:
                choice = min(free, key=lambda n: (count.get(dom[n], 0), used[n], cand.index(n)))
        else:  # spread
            gmin = min(count.values()) if count else 0
            # 没有该标签的节点不参与分布计算；DoNotSchedule 时它们不合格（文档：节点必须带 topologyKey 标签）
            labelled = [n for n in free if dom[n] is not None]
            if when_unsatisfiable == "DoNotSchedule":
                ok = [n for n in labelled if count[dom[n]] + 1 - gmin <= max_skew]
                choice = min(ok, key=lambda n: (count[dom[n]], used[n], cand.index(n))) if ok else None
            elif free:
                choice = min(free, key=lambda n: (count.get(dom[n], 0) if dom[n] is not None else 10**9,
                                                  used[n], cand.index(n)))
        assignments[pod] = choice
        if choice is not None:
            used[choice] += 1
            if dom[choice] is not None:
                count[dom[choice]] += 1
    return Placement(app=app, assignments=assignments, policy=policy, topology_key=topology_key)


def add_deployment(graph: nx.DiGraph, app: str, replicas: int, policy: str = "none",
                   topology_key: str = HOSTNAME, max_skew: int = 1,
                   when_unsatisfiable: str = "DoNotSchedule", nodes: Sequence[str] | None = None,
                   min_ready: int = 1, label: str | None = None) -> nx.DiGraph:
    """返回图的一个副本，其中加入服务 ``app``（kind ``service``）与它按 :func:`schedule` 放置的 Pod。

    未能调度的 Pod 以 ``phase="Pending"`` 加入（没有 ``runs_on`` 边）。放置结果保存在
    ``g.nodes[app]["placement"]``。
    """
    if app in graph:
        raise ValueError(f"metadata.name: Invalid value: {app!r}: 图中已有同名节点")
    p = schedule(graph, app, replicas, policy, topology_key, max_skew, when_unsatisfiable, nodes)
    g = graph.copy()
    add(g, app, "service", label=label or app, min_ready=min_ready, placement=p)
    for pod, node in p.assignments.items():
        add(g, pod, "pod", on=node, phase="Pending" if node is None else "Running")
        member(g, pod, app)
    return g


def affinity_spec(app: str, policy: str = "none", topology_key: str = HOSTNAME,
                  max_skew: int = 1, when_unsatisfiable: str = "DoNotSchedule") -> dict:
    """与 ``policy`` 对应的 Pod ``spec`` 片段（``affinity`` 或 ``topologySpreadConstraints``），可直接写进清单。"""
    if policy not in POLICIES:
        raise ValueError(f"policy: Unsupported value: {policy!r}: 支持的取值为 {', '.join(POLICIES)}")
    sel = {"matchLabels": {"app": app}}
    term = {"labelSelector": sel, "topologyKey": topology_key}
    if policy == "none":
        return {}
    if policy == "required":
        return {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}}
    if policy == "preferred":
        return {"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [
            {"weight": 100, "podAffinityTerm": term}]}}}
    if when_unsatisfiable not in _WHEN:
        raise ValueError(f"spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: {when_unsatisfiable!r}: supported values: \"DoNotSchedule\", \"ScheduleAnyway\"")
    return {"topologySpreadConstraints": [{"maxSkew": max_skew, "topologyKey": topology_key,
                                           "whenUnsatisfiable": when_unsatisfiable, "labelSelector": sel}]}


# ---------------------------------------------------------------------------------------------
# etcd 跨数据中心放置（两地三中心）
# ---------------------------------------------------------------------------------------------
def etcd_dc_loss(members_by_dc: Mapping[str, int]) -> dict[str, bool]:
    """etcd 成员按数据中心分布为 ``members_by_dc`` 时，失去每一个数据中心后是否仍保有法定人数。

    例如 ``{"A": 2, "B": 1}``：失去 A 则 1/3，失去法定人数；两个数据中心无论怎么分，总有
    一个数据中心持有多数派。``{"A": 2, "B": 2, "C": 1}`` 失去任何一个都仍保有法定人数。
    """
    if not isinstance(members_by_dc, Mapping) or not members_by_dc:
        raise ValueError("members_by_dc: Required value: 需要 {数据中心: 成员数} 的字典，例如 {'A': 2, 'B': 2, 'C': 1}")
    for dc, c in members_by_dc.items():
        if isinstance(c, bool) or not isinstance(c, int) or c < 0:
            raise ValueError(f"members_by_dc[{dc!r}]: Invalid value: {c!r}: 成员数必须是非负整数")
    n = sum(members_by_dc.values())
    if n < 1:
        raise ValueError("members_by_dc: Invalid value: 成员总数必须大于等于 1")
    return {dc: has_quorum(n, n - c) for dc, c in members_by_dc.items()}


def etcd_placements(n: int, datacenters: int) -> list[dict]:
    """把 n 个成员分到 ``datacenters`` 个数据中心的所有方式（按成员数降序去重），每种一行：
    ``{"split": (a, b, ...), "survives": 能承受哪些数据中心的失去（下标列表）, "any_dc": 任一数据中心失去都能承受}``。
    """
    majority(n)  # 校验 n
    if isinstance(datacenters, bool) or not isinstance(datacenters, int) or not 1 <= datacenters <= 5:
        raise ValueError(f"datacenters: Invalid value: {datacenters!r}: 数据中心个数必须是 1 到 5 的整数")
    rows = []

    def parts(rest: int, k: int, cap: int) -> Iterable[tuple[int, ...]]:
        if k == 0:
            if rest == 0:
                yield ()
            return
        for first in range(min(rest, cap), -1, -1):
            for tail in parts(rest - first, k - 1, first):
                yield (first,) + tail

    for split in parts(n, datacenters, n):
        loss = etcd_dc_loss({str(i): c for i, c in enumerate(split)})
        surv = [int(i) for i, ok in loss.items() if ok]
        rows.append({"split": split, "survives": surv, "any_dc": len(surv) == datacenters})
    return rows


# ---------------------------------------------------------------------------------------------
# 可复用的拓扑
# ---------------------------------------------------------------------------------------------
def _dc_hosts(g: nx.DiGraph, dcs: Sequence[str], hosts_per_dc: int, region: str | None = None) -> dict[str, list[str]]:
    out = {}
    for dc in dcs:
        add(g, dc, "datacenter", on=region, label=f"数据中心 {dc}")
        out[dc] = [add(g, f"{dc}-host{i + 1}", "host", on=dc, label=f"{dc} 物理机{i + 1}")
                   for i in range(hosts_per_dc)]
    return out


def _control_plane_node(g: nx.DiGraph, p: str, i: int, host: str, stacked: bool) -> None:
    """第 i 个控制平面节点：apiserver、controller-manager、scheduler（堆叠时还有 etcd 成员）。"""
    n = add(g, f"{p}cp{i}", "node", on=host, label=f"控制平面节点 cp{i}", schedulable=False, role="control-plane")
    api = add(g, f"{p}apiserver-{i}", "component", on=n, label=f"apiserver-{i}")
    cm = add(g, f"{p}controller-manager-{i}", "component", on=n, label=f"controller-manager-{i}")
    sch = add(g, f"{p}scheduler-{i}", "component", on=n, label=f"scheduler-{i}")
    member(g, api, f"{p}kube-apiserver")
    member(g, cm, f"{p}kube-controller-manager")
    member(g, sch, f"{p}kube-scheduler")
    depends(g, api, f"{p}etcd")
    if stacked:
        m = add(g, f"{p}etcd-{i}", "etcd_member", on=n, label=f"etcd-{i}")
        member(g, m, f"{p}etcd")
        depends(g, api, m)
    # kubeadm：controller-manager.conf / scheduler.conf 指向本节点的 apiserver（PR #94398），两种拓扑相同
    depends(g, cm, api)
    depends(g, sch, api)


def k8s_ha_cluster(etcd: str = "stacked", control_planes: int = 3, etcd_members: int = 3,
                   workers: int = 3, datacenters: int = 1, prefix: str = "",
                   load_balancers: int = 1) -> nx.DiGraph:
    """一个高可用 Kubernetes 集群（源章节 N.2.1、N.2.5）。

    * ``control_planes`` 个控制平面节点，每个运行 kube-apiserver、kube-controller-manager、
      kube-scheduler。kube-apiserver 是多活 (active-active)，经负载均衡器 (LB) 对外；
      controller-manager 与 scheduler 每个节点都运行，但借助 Lease 选主，同一时刻只有一个工作
      （它们属于各自的组，至少 1 个存活即可）。
    * ``etcd="stacked"``（堆叠，kubeadm 默认）：etcd 成员与控制平面在同一节点上，且
      “每个控制平面节点的 etcd 成员只与本节点的 kube-apiserver 通信”
      （https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/ha-topology/）。
      ``etcd="external"``：etcd 成员在独立节点上，apiserver 连接整个 etcd 集群。
    * 两种拓扑下，每个控制平面节点上的 controller-manager 与 scheduler 都只连 **本节点** 的
      kube-apiserver，不经过 LB：kubeadm 生成的 ``controller-manager.conf`` / ``scheduler.conf``
      使用 LocalAPIEndpoint 而不是 ControlPlaneEndpoint（kubernetes/kubernetes PR #94398，
      https://github.com/kubernetes/kubernetes/pull/94398 ，收录于 CHANGELOG-1.20.md 的 v1.20.0
      发布说明）。所以一个 controller-manager/scheduler 实例随本节点的 apiserver 一起失效，而与 LB 无关。
    * LB 是一个服务（kind ``service``，节点名 ``lb``），它的实例 ``lb-1`` … 依赖 kube-apiserver 组；
      Worker 节点（kubelet）依赖 ``lb``（弱依赖：kubelet 连不上 apiserver 时已运行的 Pod 照常运行，
      只是节点状态无法上报）。``load_balancers=1`` 时 LB 只有一个实例，是单点（它一坏，
      :attr:`Impact.ok` 为 False）；``>= 2`` 时（例如 keepalived 管理的 VIP）任一实例存活即可。

    节点按顺序轮流分布在 ``datacenters`` 个数据中心（A、B、C……）的物理机上。
    """
    if etcd not in ("stacked", "external"):
        raise ValueError(f"etcd: Unsupported value: {etcd!r}: 支持的取值为 stacked, external")
    for name, v, lo in (("control_planes", control_planes, 1), ("etcd_members", etcd_members, 1),
                        ("workers", workers, 0), ("datacenters", datacenters, 1)):
        if isinstance(v, bool) or not isinstance(v, int) or v < lo or v > 9:
            raise ValueError(f"{name}: Invalid value: {v!r}: 必须是 {lo} 到 9 的整数")
    if etcd == "stacked" and etcd_members != control_planes:
        raise ValueError(f"etcd_members: Invalid value: {etcd_members}: 堆叠 (stacked) 拓扑下 etcd 成员数等于控制平面节点数 {control_planes}")
    p = prefix
    g = new_graph(f"{p}Kubernetes 高可用集群（{'堆叠' if etcd == 'stacked' else '外部'} etcd）")
    dcs = [chr(ord("A") + i) for i in range(datacenters)]
    for dc in dcs:
        add(g, f"{p}{dc}", "datacenter", label=f"数据中心 {dc}")
    counter = {"i": 0}

    def machine(name: str, label: str) -> str:
        dc = dcs[counter["i"] % len(dcs)]
        counter["i"] += 1
        h = add(g, f"{p}host-{name}", "host", on=f"{p}{dc}", label=f"物理机 {label}")
        return h

    add(g, f"{p}etcd", "etcd_cluster", label="etcd 集群")
    add(g, f"{p}kube-apiserver", "service", label="kube-apiserver（多活）")
    add(g, f"{p}kube-controller-manager", "service", label="controller-manager（选主）")
    add(g, f"{p}kube-scheduler", "service", label="kube-scheduler（选主）")
    if isinstance(load_balancers, bool) or not isinstance(load_balancers, int) or not 1 <= load_balancers <= 3:
        raise ValueError(f"load_balancers: Invalid value: {load_balancers!r}: 必须是 1 到 3 的整数")
    single = load_balancers == 1
    add(g, f"{p}lb", "service", label="负载均衡器 (LB)" if single else "负载均衡 VIP（keepalived）")
    for j in range(1, load_balancers + 1):
        lb_host = machine("lb" if single else f"lb{j}", "LB" if single else f"LB{j}")
        add(g, f"{p}lb-{j}", "component", on=lb_host, label="负载均衡器实例" if single else f"负载均衡器 LB{j}")
        depends(g, f"{p}lb-{j}", f"{p}kube-apiserver")
        member(g, f"{p}lb-{j}", f"{p}lb")
    for i in range(1, control_planes + 1):
        _control_plane_node(g, p, i, machine(f"cp{i}", f"cp{i}"), stacked=etcd == "stacked")
    if etcd == "external":
        for i in range(1, etcd_members + 1):
            h = machine(f"etcd{i}", f"etcd{i}")
            n = add(g, f"{p}etcd-node{i}", "node", on=h, label=f"etcd 节点 {i}", schedulable=False, role="etcd")
            m = add(g, f"{p}etcd-{i}", "etcd_member", on=n, label=f"etcd-{i}")
            member(g, m, f"{p}etcd")
    for i in range(1, workers + 1):
        h = machine(f"w{i}", f"w{i}")
        n = add(g, f"{p}worker{i}", "node", on=h, label=f"Worker 节点 worker{i}", role="worker")
        depends(g, n, f"{p}lb", soft=True)
    return g


def etcd_across_datacenters(members_by_dc: Mapping[str, int]) -> nx.DiGraph:
    """etcd 成员按 ``members_by_dc`` 分布在几个数据中心（两地三中心），每个成员一台物理机。"""
    etcd_dc_loss(members_by_dc)  # 校验
    g = new_graph("etcd 跨数据中心部署")
    add(g, "etcd", "etcd_cluster", label="etcd 集群")
    k = 0
    for dc, c in members_by_dc.items():
        add(g, dc, "datacenter", label=f"数据中心 {dc}")
        for _ in range(c):
            k += 1
            h = add(g, f"{dc}-host{k}", "host", on=dc, label=f"物理机 {k}")
            m = add(g, f"etcd-{k}", "etcd_member", on=h, label=f"etcd-{k}（{dc}）")
            member(g, m, "etcd")
    return g


def platform_architecture() -> nx.DiGraph:
    """源章节 N.1.2 的容器云平台架构：基础设施 → Kubernetes 集群 → 容器云平台、私有镜像仓库
    (Harbor)、纳管的 Kubernetes 集群 → 容器云托管应用。

    平台本身是无状态的 Web 应用（数据在宿主集群的 etcd 中）；托管应用运行在纳管集群上，
    平台或镜像仓库故障时它们继续运行，只是无法管理/拉取新镜像（弱依赖，标为受影响）。
    """
    g = new_graph("容器云平台架构")
    add(g, "infra", "datacenter", label="基础设施（机房/IaaS）")
    hosts = [add(g, f"host{i}", "host", on="infra", label=f"物理机 {i}") for i in range(1, 4)]
    # 宿主 Kubernetes 集群（运行平台与镜像仓库）
    add(g, "host-etcd", "etcd_cluster", label="宿主集群 etcd")
    add(g, "host-apiserver", "service", label="宿主集群控制平面")
    nodes = []
    for i, h in enumerate(hosts, 1):
        n = add(g, f"node{i}", "node", on=h, label=f"宿主集群节点 {i}")
        nodes.append(n)
        m = add(g, f"etcd-{i}", "etcd_member", on=n, label=f"etcd-{i}")
        member(g, m, "host-etcd")
        a = add(g, f"apiserver-{i}", "component", on=n, label=f"apiserver-{i}")
        member(g, a, "host-apiserver")
        depends(g, a, "host-etcd")
    add(g, "platform", "service", label="容器云平台")
    add(g, "harbor", "service", label="私有镜像仓库 (Harbor)")
    for i, n in enumerate(nodes, 1):
        p = add(g, f"platform-{i}", "pod", on=n, label=f"平台 Pod {i}")
        member(g, p, "platform")
        depends(g, p, "host-apiserver")
        if i <= 2:
            r = add(g, f"harbor-{i}", "pod", on=n, label=f"Harbor Pod {i}")
            member(g, r, "harbor")
    add(g, "nfs", "storage", on="infra", label="共享存储 (NFS)")
    depends(g, "harbor", "nfs")
    # 纳管集群与托管应用
    for c in (1, 2):
        add(g, f"managed{c}", "app", label=f"纳管集群 {c}", layer=7)
        depends(g, f"managed{c}", "platform", soft=True)
        add(g, f"app{c}", "service", label=f"托管应用 {c}", layer=8)
        for j in (1, 2):
            h = add(g, f"m{c}-vm{j}", "vm", on=hosts[(c + j) % 3], label=f"纳管集群{c} 节点{j}")
            pod = add(g, f"app{c}-{j}", "pod", on=h, label=f"应用{c} Pod{j}")
            member(g, pod, f"app{c}")
            depends(g, pod, "harbor", soft=True)
        depends(g, f"app{c}", f"managed{c}", soft=True)
    return g


def failure_points(app_replicas: int = 3, policy: str = "none",
                   topology_key: str = HOSTNAME) -> nx.DiGraph:
    """源章节 N.3.1 的五个潜在故障点：容器/Pod、Worker 节点、集群（控制平面/etcd）、数据中心、存储。

    两个数据中心，各两台物理机、每台两个 Worker 节点 VM；一个应用（服务 ``app``）按 ``policy`` 与
    ``topology_key``（见 :func:`schedule`）放置，每个 Pod 依赖机房 A 的共享存储，应用弱依赖控制平面。
    ``topology_key`` 取 :data:`HOSTNAME`（节点）、:data:`ZONE`（数据中心）或 :data:`PHYSICAL_HOST`
    （本书自定义的物理机标签；:data:`RACK` 在这里没有机柜层，不可用）。
    """
    allowed = (HOSTNAME, ZONE, PHYSICAL_HOST)
    if topology_key not in allowed:
        raise ValueError(f"topologyKey: Unsupported value: {topology_key!r}: 这张图支持的取值为 {', '.join(allowed)}")
    g = new_graph("Kubernetes 中的潜在故障点")
    hosts = _dc_hosts(g, ["A", "B"], 2)
    add(g, "control-plane", "app", label="集群控制平面（kube-apiserver + etcd）", layer=7)
    for dc, hs in hosts.items():
        for h in hs:
            for j in (1, 2):
                add(g, f"{h}-vm{j}", "node", on=h, label=f"{h} 节点{j}", short_label=f"节点 {j}")
    add(g, "storage", "storage", on="A", label="NFS 存储（机房 A）")
    g = add_deployment(g, "app", app_replicas, policy=policy, topology_key=topology_key,
                       label="应用 (Deployment)")
    for pod in [n for n, d in g.nodes(data=True) if d.get("kind") == "pod"]:
        depends(g, pod, "storage")
    depends(g, "app", "control-plane", soft=True)
    return g


def platform_ha(replicas: int = 3, policy: str = "required") -> nx.DiGraph:
    """源章节 N.4.1：容器云平台作为无状态 Deployment，``replicas`` 个 Pod 经 Service 暴露，
    状态在 etcd 中。三个 Worker 节点、三台物理机、一个数据中心。"""
    g = k8s_ha_cluster("stacked", workers=3)
    g.graph["name"] = "容器云平台高可用（无状态组件）"
    g = add_deployment(g, "platform", replicas, policy=policy, label="容器云平台 Service")
    for pod in [n for n, d in g.nodes(data=True) if d.get("kind") == "pod"]:
        depends(g, pod, "kube-apiserver")
    return g


def harbor_ha() -> nx.DiGraph:
    """源章节 N.4.2：镜像仓库 Harbor 的高可用。无状态的 Harbor core 与 HAProxy 各两个副本；
    Redis 一个主库、两个副本，由 Sentinel 做故障转移，HAProxy 只把流量转给 ``role:master``；
    数据库与镜像存储在共享的网络存储上。"""
    g = new_graph("镜像仓库 (Harbor) 高可用")
    add(g, "A", "datacenter", label="数据中心 A")
    nodes = []
    for i in range(1, 4):
        h = add(g, f"host{i}", "host", on="A", label=f"物理机 {i}")
        nodes.append(add(g, f"node{i}", "node", on=h, label=f"Worker 节点 {i}"))
    add(g, "nfs", "storage", on="A", label="网络存储 (NFS)")
    add(g, "redis", "service", label="Redis（主库 + 副本）")
    add(g, "sentinel", "service", label="Sentinel（quorum 2，共 3 个）", min_ready=2)
    add(g, "haproxy", "service", label="HAProxy（无状态）")
    add(g, "harbor-core", "service", label="Harbor core（无状态）")
    add(g, "database", "component", on="node1", label="数据库 (PostgreSQL)")
    depends(g, "database", "nfs")
    for i, n in enumerate(nodes, 1):
        r = add(g, f"redis-{i}", "pod", on=n, label=f"redis-{i}" + ("（主库）" if i == 1 else "（副本）"))
        member(g, r, "redis")
        s = add(g, f"sentinel-{i}", "component", on=n, label=f"sentinel-{i}")
        member(g, s, "sentinel")
    depends(g, "redis", "sentinel", soft=True)
    for i in (1, 2):
        hp = add(g, f"haproxy-{i}", "pod", on=nodes[i], label=f"haproxy-{i}")
        member(g, hp, "haproxy")
        depends(g, hp, "redis")
        c = add(g, f"core-{i}", "pod", on=nodes[i - 1], label=f"harbor-core-{i}")
        member(g, c, "harbor-core")
        depends(g, c, "haproxy", "database", "nfs")
    return g


def deployment_chain(replicas: int = 3, workers: int = 3, policy: str = "spread") -> nx.DiGraph:
    """源章节 N.3.2.1：Deployment -> ReplicaSet -> Pod，Pod 经 Service 暴露。

    ReplicaSet 的自愈（删掉坏 Pod、补一个新的）靠 kube-controller-manager：控制平面不可用时已运行的
    Pod 继续服务，但不会自愈（弱依赖，标为受影响）。Pod 按 ``policy``（见 :func:`schedule`）放到
    ``workers`` 个 Worker 节点上。
    """
    for name, v, lo, hi in (("replicas", replicas, 1, 12), ("workers", workers, 1, 9)):
        if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
            raise ValueError(f"{name}: Invalid value: {v!r}: 必须是 {lo} 到 {hi} 的整数")
    g = new_graph("Deployment、ReplicaSet 与 Pod")
    add(g, "A", "datacenter", label="数据中心 A")
    add(g, "control-plane", "component", on="A", label="控制平面（controller-manager）", layer=5)
    for i in range(1, workers + 1):
        h = add(g, f"host{i}", "host", on="A", label=f"物理机 {i}")
        add(g, f"worker{i}", "node", on=h, label=f"Worker 节点 {i}")
    g = add_deployment(g, "web-rs", replicas, policy, label="ReplicaSet web-7c9d")
    add(g, "web", "app", label="Deployment web")
    depends(g, "web", "web-rs")
    depends(g, "web-rs", "control-plane", soft=True)
    add(g, "web-svc", "service", label="Service web（ClusterIP）", layer=8)
    for pod in [n for n, d in g.nodes(data=True) if d.get("kind") == "pod"]:
        member(g, pod, "web-svc")
    return g


def clusterip_iptables(replicas: int = 3, nodes: int = 3) -> nx.DiGraph:
    """源章节 N.3.2.5：ClusterIP Service 经 kube-proxy 写入的 iptables 规则转发到就绪的 Pod。

    每个节点上的 kube-proxy 监听 EndpointSlice 并维护本节点的 iptables 规则；客户端 Pod 的流量由
    *它所在节点* 的规则 DNAT 到某个后端 Pod。kube-proxy 停掉后已有规则仍然有效，只是不再更新
    （弱依赖）；规则所在节点故障则该节点上的客户端不可用。
    """
    for name, v in (("replicas", replicas), ("nodes", nodes)):
        if isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 9:
            raise ValueError(f"{name}: Invalid value: {v!r}: 必须是 1 到 9 的整数")
    g = new_graph("ClusterIP Service 与 iptables")
    add(g, "A", "datacenter", label="数据中心 A")
    add(g, "backend", "service", label="Service backend（ClusterIP 10.96.0.10）")
    for i in range(1, nodes + 1):
        h = add(g, f"host{i}", "host", on="A", label=f"物理机 {i}")
        n = add(g, f"node{i}", "node", on=h, label=f"节点 {i}")
        kp = add(g, f"kube-proxy-{i}", "component", on=n, label=f"kube-proxy-{i}")
        rules = add(g, f"iptables-{i}", "component", on=n, label=f"iptables 规则 {i}")
        depends(g, rules, kp, soft=True)
    for j in range(replicas):
        n = f"node{j % nodes + 1}"
        pod = add(g, f"backend-{j}", "pod", on=n, label=f"backend Pod {j}")
        member(g, pod, "backend")
    add(g, "client", "pod", on="node1", label="客户端 Pod", layer=8)
    depends(g, "client", "iptables-1", "backend")
    return g
