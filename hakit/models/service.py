"""Service、EndpointSlice、Ingress DaemonSet 与 StatefulSet 身份：可以精确计算的部分（源章节 N.3.2.5–N.3.2.7、N.4.2.1）。

ClusterIP 的 iptables 链（kube-proxy ``--proxy-mode=iptables``）
-------------------------------------------------------------------
kube-proxy 为每个 Service 端口写一条 ``KUBE-SVC-<hash>`` 链，为每个后端写一条 ``KUBE-SEP-<hash>``
链（DNAT 到 Pod IP:端口）。``KUBE-SVC`` 链中有 n 条规则，按顺序匹配：第 i 条（i 从 0 起）规则带
``-m statistic --mode random --probability 1/(n−i)``，**最后一条没有 statistic 匹配**，必然命中。
依据（上游源码 ``kubernetes/kubernetes`` 的 ``pkg/proxy/iptables/proxier.go``）：

* v1.2 的 ``syncProxyRules``：``if i < (n - 1) { ... "-m", "statistic", "--mode", "random",
  "--probability", fmt.Sprintf("%0.5f", 1.0/float64(n-i)) }``，注释 "The final (or only if n == 1)
  rule is a guaranteed match"；
* 当前版本：``computeProbability(n) = fmt.Sprintf("%0.10f", 1.0/float64(n))``，写入规则时调用
  ``proxier.probability(numEndpoints - i)``，同样只对 ``i < numEndpoints-1`` 的规则加 statistic；
* 没有可用端点时不生成任何 nat 规则，只在 **filter** 表的 ``KUBE-SERVICES`` 写一条 ``REJECT``（注释
  ``"... has no endpoints"``），客户端立即收到拒绝而不是超时。

于是第 i 个端点被选中的概率 = (前 i 条都没命中) × 1/(n−i) = ∏_{j<i} (1 − 1/(n−j)) × 1/(n−i)
= (n−i)/n × 1/(n−i) = 1/n：每个端点都是 1/n（:func:`endpoint_shares` 用 ``Fraction`` 精确验证）。
规则文本只在 :func:`hakit.models.kubeproxy.service_port_rules` 里生成一次，这里的 :func:`iptables_save` 调用它。

哪些端点进链（``pkg/proxy/topology.go`` 的 ``CategorizeEndpoints``，Cluster 流量策略）：EndpointSlice
（``discovery.k8s.io/v1``）里每个端点有 ``conditions.ready``、``serving``、``terminating``。kube-proxy 用
**就绪** 端点；一个就绪端点都没有时，回退到 ``serving`` 且 ``terminating`` 的端点（正在优雅退出、但仍能
服务的 Pod；"If we didn't get any endpoints, try again using terminating endpoints"，``ProxyTerminatingEndpoints``
自 v1.28 GA）。就绪探针失败的 Pod 仍在 EndpointSlice 中，但 ``ready: false``，于是从链中消失，剩下的 m 个
端点各得 1/m。文档：https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/ 与
https://kubernetes.io/docs/reference/networking/virtual-ips/#traffic-to-terminating-endpoints 。

DNS（https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/）
-------------------------------------------------------------------------------
Service 的 A/AAAA 记录是 ``<service>.<namespace>.svc.<cluster-domain>``（cluster-domain 默认
``cluster.local``，可配置）。普通 Service 解析为 ClusterIP；headless Service（``clusterIP: None``）
解析为就绪 Pod 的 IP 集合（``publishNotReadyAddresses: true`` 时也包括未就绪的）。StatefulSet
的 Pod 通过 ``spec.serviceName`` 指定的 headless Service 得到
``<pod>.<service>.<namespace>.svc.<cluster-domain>``。

StatefulSet（https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/）
-----------------------------------------------------------------------------------
Pod 名 ``<statefulset>-<ordinal>``，序号从 ``spec.ordinals.start``（默认 0）起；每个
``volumeClaimTemplates`` 生成 PVC ``<claim>-<statefulset>-<ordinal>``，Pod 被删除重建后重新挂载同一个
PVC；Pod IP 由网络插件重新分配，不保证不变（教程 StatefulSet Basics）。``podManagementPolicy``：
``OrderedReady``（默认）按 0..N−1 逐个创建，前一个 Running 且 Ready 才创建下一个，缩容按 N−1..0
逐个终止；``Parallel`` 同时创建/终止。

DaemonSet 更新（https://kubernetes.io/docs/tasks/manage-daemon/update-daemon-set/）
---------------------------------------------------------------------------------
``RollingUpdate`` 默认 ``maxUnavailable: 1``、``maxSurge: 0``：逐节点先删旧 Pod 再建新 Pod（勘误 E21）。

这里只有纯 Python（``fractions``），不画图；图见 ``hakit.figures.service``。
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import Iterable, Mapping, Sequence

from hakit.models import kubeproxy as K

__all__ = [
    "CLUSTER_DOMAIN",
    "POD_MANAGEMENT_POLICIES",
    "Endpoint",
    "Rule",
    "validate_dns_label",
    "service_fqdn",
    "pod_fqdn",
    "endpoint_slice",
    "ready_addresses",
    "cluster_endpoints",
    "chain_name",
    "kube_svc_rules",
    "endpoint_shares",
    "iptables_save",
    "sample_chain",
    "headless_a_records",
    "StatefulPod",
    "statefulset_pods",
    "pvc_name",
    "statefulset_order",
    "delete_and_recreate",
    "statefulset_timeline",
    "daemonset_update_batches",
]

CLUSTER_DOMAIN = "cluster.local"
POD_MANAGEMENT_POLICIES = ("OrderedReady", "Parallel")
_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


def _int(v: object, name: str, lo: int, hi: int | None = None) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"{name}: Invalid value: {v!r}: 必须是整数")
    if v < lo or (hi is not None and v > hi):
        rng = f"{lo} 到 {hi}" if hi is not None else f"不小于 {lo}"
        raise ValueError(f"{name}: Invalid value: {v}: 必须{'在 ' + rng + ' 之间' if hi is not None else rng}")
    return v


def validate_dns_label(name: object, field_path: str = "metadata.name", rfc1035: bool = False) -> str:
    """RFC 1123 标签（命名空间名、Pod 主机名的规则）：小写字母、数字和 '-'，以字母数字开头结尾，最长 63。

    ``rfc1035=True`` 时按 RFC 1035 标签检查（还必须以字母开头：v1.35 及更早的 Service 名规则）。
    消息仿照 API server：``metadata.name: Invalid value: "Web": a lowercase RFC 1123 label ...``。
    """
    if not isinstance(name, str) or not name:
        raise ValueError(f"{field_path}: Required value: 名称不能为空")
    kind = "RFC 1035" if rfc1035 else "RFC 1123"
    if len(name) > 63 or not _DNS_LABEL.match(name) or (rfc1035 and not name[0].isalpha()):
        raise ValueError(f"{field_path}: Invalid value: {name!r}: 必须是小写 {kind} 标签"
                         "（只含小写字母、数字和 '-'，以" + ("字母" if rfc1035 else "字母或数字") +
                         "开头、字母或数字结尾，最长 63 个字符）")
    return name


def _domain(cluster_domain: object) -> str:
    if not isinstance(cluster_domain, str) or not cluster_domain:
        raise ValueError("clusterDomain: Required value: 集群域不能为空（默认 cluster.local）")
    for part in cluster_domain.split("."):
        validate_dns_label(part, "clusterDomain")
    return cluster_domain


# Service names: RFC 1123 labels in v1.36 (feature gate RelaxedServiceNameValidation, beta and on by
# default since v1.36, kubernetes/kubernetes#136389, KEP-5311); RFC 1035 (leading letter) before.
SERVICE_NAME_RFC1035 = False


def validate_service_name(service: object) -> str:
    """A Service's ``metadata.name`` under the targeted version's rule (:data:`SERVICE_NAME_RFC1035`)."""
    return validate_dns_label(service, "metadata.name", rfc1035=SERVICE_NAME_RFC1035)


def service_fqdn(service: str, namespace: str = "default", cluster_domain: str = CLUSTER_DOMAIN) -> str:
    """``<service>.<namespace>.svc.<cluster-domain>``；Service 名按 :func:`validate_service_name`。"""
    validate_service_name(service)
    validate_dns_label(namespace, "metadata.namespace")
    return f"{service}.{namespace}.svc.{_domain(cluster_domain)}"


def pod_fqdn(pod: str, service: str, namespace: str = "default", cluster_domain: str = CLUSTER_DOMAIN) -> str:
    """StatefulSet Pod 经 headless Service 得到的稳定 DNS 名 ``<pod>.<service>.<namespace>.svc.<domain>``。"""
    validate_dns_label(pod, "hostname")
    return f"{pod}.{service_fqdn(service, namespace, cluster_domain)}"


# ---------------------------------------------------------------------------------------------
# EndpointSlice 与 KUBE-SVC 链
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """EndpointSlice 中的一个端点：``addresses[0]``、``conditions``、``targetRef`` 的 Pod 名。

    ``serving`` 缺省等于 ``ready``；``terminating`` 为真表示 Pod 正在终止（有 ``deletionTimestamp``）。
    EndpointSlice 控制器对 Pod 写 ``ready = serving && !terminating``。"""
    pod: str
    address: str
    ready: bool = True
    serving: bool | None = None
    terminating: bool = False

    @property
    def is_serving(self) -> bool:
        return self.ready if self.serving is None else self.serving


@dataclass(frozen=True)
class Rule:
    """``KUBE-SVC`` 链中的一条规则。``probability`` 为 ``None`` 表示无条件（最后一条）。"""
    index: int
    endpoint: Endpoint
    probability: Fraction | None
    probability_text: str | None  # kube-proxy 写入的文本（%0.10f）
    target: str  # KUBE-SEP-... 链名


def _endpoint(i: int, it: object, seen: set) -> Endpoint:
    if not isinstance(it, tuple) or len(it) not in (3, 5):
        raise ValueError(f"endpoints[{i}]: Invalid value: {it!r}: 每个端点是 (pod, ip, ready) 或 "
                         "(pod, ip, ready, serving, terminating)")
    pod, ip, ready, *rest = it
    serving, terminating = rest if rest else (ready, False)
    for field_name, v in (("ready", ready), ("serving", serving), ("terminating", terminating)):
        if not isinstance(v, bool):
            raise ValueError(f"endpoints[{i}].conditions.{field_name}: Invalid value: {v!r}: 必须是 true 或 false")
    if ready and (terminating or not serving):
        raise ValueError(f"endpoints[{i}].conditions: Invalid value: ready=true 要求 serving=true、terminating=false"
                         "（EndpointSlice 控制器写 ready = serving && !terminating）")
    if not isinstance(ip, str) or not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", ip) or \
            any(int(x) > 255 for x in ip.split(".")):
        raise ValueError(f"endpoints[{i}].addresses[0]: Invalid value: {ip!r}: 必须是 IPv4 地址")
    if ip in seen:
        raise ValueError(f"endpoints[{i}].addresses[0]: Duplicate value: {ip!r}")
    seen.add(ip)
    return Endpoint(str(pod), ip, ready, serving, terminating)


def endpoint_slice(pods: Mapping[str, tuple] | Sequence[tuple]) -> list[Endpoint]:
    """由 ``{pod: (ip, ready)}``、``[(pod, ip, ready), ...]`` 或 ``[(pod, ip, ready, serving, terminating), ...]``
    构造 EndpointSlice 的端点列表（保持顺序）。"""
    items = [(k, *v) for k, v in pods.items()] if isinstance(pods, Mapping) else list(pods)
    seen: set = set()
    return [_endpoint(i, it, seen) for i, it in enumerate(items)]


def ready_addresses(endpoints: Iterable[Endpoint], publish_not_ready: bool = False) -> list[Endpoint]:
    """headless Service 的 DNS 使用的端点：``ready`` 为真的端点；``publishNotReadyAddresses`` 时全部。"""
    return [e for e in endpoints if e.ready or publish_not_ready]


def cluster_endpoints(endpoints: Sequence[Endpoint]) -> list[Endpoint]:
    """kube-proxy 为 Cluster 流量策略选的端点（``CategorizeEndpoints``）：就绪的端点；一个都没有时，
    ``serving`` 且 ``terminating`` 的端点；都没有则为空（此时写 REJECT）。"""
    ready = [e for e in endpoints if e.ready]
    return ready or [e for e in endpoints if e.is_serving and e.terminating]


def chain_name(service: str, namespace: str = "default", port: str = "http", protocol: str = "tcp",
               endpoint: str | None = None) -> str:
    """``KUBE-SVC-<16 位>``（无 endpoint）或 ``KUBE-SEP-<16 位>``（endpoint 为 ``"ip:port"``），与
    kube-proxy 的 ``servicePortPolicyClusterChain`` / ``servicePortEndpointChainName`` 相同
    （见 :func:`hakit.models.kubeproxy.svc_chain_name`）。"""
    spn = K.service_port_name(namespace, service, port)
    return K.svc_chain_name(spn, protocol) if endpoint is None else K.sep_chain_name(spn, endpoint, protocol)


def kube_svc_rules(endpoints: Sequence[Endpoint], service: str = "web", namespace: str = "default",
                   port: int = 80, port_name: str = "http") -> list[Rule]:
    """由端点列表生成 ``KUBE-SVC`` 链的负载均衡规则：端点取 :func:`cluster_endpoints`；第 i 条概率
    1/(m−i)，最后一条无条件。没有可用端点时返回空列表（kube-proxy 此时在 filter 表写 REJECT）。
    """
    validate_service_name(service)
    validate_dns_label(namespace, "metadata.namespace")
    _int(port, "spec.ports[0].port", 1, 65535)
    use = cluster_endpoints(endpoints)
    m = len(use)
    probs = K.selection_probabilities(m) if m else []
    return [Rule(i, ep, p if i < m - 1 else None, K.probability_text(m - i) if i < m - 1 else None,
                 chain_name(service, namespace, port_name, endpoint=f"{ep.address}:{port}"))
            for i, (ep, p) in enumerate(zip(use, probs))]


def endpoint_shares(rules: Sequence[Rule]) -> dict[str, Fraction]:
    """沿链走一遍：规则 i 命中的概率 = 前面都没命中的概率 × 本条概率。返回 ``{pod: Fraction}``。

    >>> eps = endpoint_slice([("a", "10.0.0.1", True), ("b", "10.0.0.2", True), ("c", "10.0.0.3", True)])
    >>> sorted(set(endpoint_shares(kube_svc_rules(eps)).values()))
    [Fraction(1, 3)]
    """
    remaining = Fraction(1)
    out: dict[str, Fraction] = {}
    for r in rules:
        p = Fraction(1) if r.probability is None else r.probability
        out[r.endpoint.pod] = remaining * p
        remaining *= 1 - p
    if rules and remaining != 0:  # 最后一条无条件，不会有剩余
        raise ValueError("rules: Invalid value: KUBE-SVC 链最后一条规则必须无条件命中（probability=None）")
    return out


def iptables_save(endpoints: Sequence[Endpoint], service: str = "web", namespace: str = "default",
                  port: int = 80, cluster_ip: str = "10.96.0.10", port_name: str = "http",
                  cluster_cidr: str | None = "10.244.0.0/16") -> list[str]:
    """kube-proxy 为这个 Service 端口写的规则（:func:`hakit.models.kubeproxy.service_port_rules`）：有可用端点时是
    nat 表的 ``KUBE-SERVICES`` 跳转、``KUBE-SVC`` 链（伪装规则 + 负载均衡规则）与各 ``KUBE-SEP`` 链；
    没有时只有 filter 表 ``KUBE-SERVICES`` 里的一条 REJECT。``cluster_cidr`` 缺省是 kind 的 Pod 网段。"""
    rules = kube_svc_rules(endpoints, service, namespace, port, port_name)
    r = K.service_port_rules([f"{x.endpoint.address}:{port}" for x in rules], namespace, service, port_name,
                             cluster_ip, port, cluster_cidr=cluster_cidr)
    return list(r.filter + r.nat)


def sample_chain(rules: Sequence[Rule], trials: int = 10_000, seed: int = 0) -> dict[str, int]:
    """蒙特卡洛：按 iptables 的方式逐条掷骰子 ``trials`` 次，返回每个 Pod 被选中的次数。"""
    _int(trials, "trials", 1, 1_000_000)
    if not rules:
        raise ValueError("rules: Required value: 没有就绪端点，连接会被 REJECT，无法抽样")
    rng = random.Random(seed)
    counts = {r.endpoint.pod: 0 for r in rules}
    for _ in range(trials):
        for r in rules:
            if r.probability is None or rng.random() < r.probability:
                counts[r.endpoint.pod] += 1
                break
    return counts


def headless_a_records(endpoints: Sequence[Endpoint], service: str, namespace: str = "default",
                       publish_not_ready: bool = False, cluster_domain: str = CLUSTER_DOMAIN) -> dict[str, list[str]]:
    """headless Service（``clusterIP: None``）的 DNS 回答：服务名 → 就绪 Pod 的 IP 列表；有 ``hostname``
    的 Pod（StatefulSet）另有各自的 A 记录（这里以 Pod 名作 hostname）。"""
    name = service_fqdn(service, namespace, cluster_domain)
    eps = ready_addresses(endpoints, publish_not_ready)
    out = {name: [e.address for e in eps]}
    for e in eps:
        if _DNS_LABEL.match(e.pod):
            out[f"{e.pod}.{name}"] = [e.address]
    return out


# ---------------------------------------------------------------------------------------------
# StatefulSet
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StatefulPod:
    """StatefulSet 的一个 Pod：序号、名称、DNS 名、PVC、当前 IP、uid（每次重建都变）。"""
    ordinal: int
    name: str
    dns: str
    pvcs: tuple[str, ...]
    ip: str
    uid: int
    ready: bool = True


def pvc_name(claim: str, statefulset: str, ordinal: int) -> str:
    """``volumeClaimTemplates`` 生成的 PVC 名：``<claim>-<statefulset>-<ordinal>``（如 data-web-0）。"""
    validate_dns_label(claim, "spec.volumeClaimTemplates[0].metadata.name")
    validate_dns_label(statefulset, "metadata.name")
    _int(ordinal, "ordinal", 0)
    return f"{claim}-{statefulset}-{ordinal}"


def _ip(k: int) -> str:
    """演示用的 Pod IP 分配器：第 k 次分配得到 10.244.(k // 250).(k % 250 + 2)。"""
    return f"10.244.{k // 250}.{k % 250 + 2}"


def statefulset_pods(name: str = "web", replicas: int = 3, service: str = "nginx", namespace: str = "default",
                     claims: Sequence[str] = ("data",), start: int = 0) -> list[StatefulPod]:
    """创建后的 Pod 身份表。``start`` 对应 ``spec.ordinals.start``。"""
    validate_dns_label(name, "metadata.name")
    _int(replicas, "spec.replicas", 0, 1000)
    _int(start, "spec.ordinals.start", 0)
    pods = []
    for k, o in enumerate(range(start, start + replicas)):
        pod = f"{name}-{o}"
        pods.append(StatefulPod(o, pod, pod_fqdn(pod, service, namespace), tuple(pvc_name(c, name, o) for c in claims),
                                _ip(k), k))
    return pods


def statefulset_order(replicas: int, policy: str = "OrderedReady", action: str = "create",
                      name: str = "web", to: int = 0) -> list[list[str]]:
    """按 ``podManagementPolicy`` 给出操作的先后批次（每批同时进行，下一批要等上一批 Running 且 Ready）。

    ``action="create"``：从 0 个扩到 ``replicas``；``action="scale_down"``：从 ``replicas`` 缩到 ``to``。
    """
    _int(replicas, "spec.replicas", 0, 1000)
    if policy not in POD_MANAGEMENT_POLICIES:
        raise ValueError(f"spec.podManagementPolicy: Unsupported value: {policy!r}: 支持的取值为 OrderedReady, Parallel")
    if action == "create":
        names = [f"{name}-{i}" for i in range(replicas)]
    elif action == "scale_down":
        _int(to, "to", 0, replicas)
        names = [f"{name}-{i}" for i in range(replicas - 1, to - 1, -1)]
    else:
        raise ValueError(f"action: Unsupported value: {action!r}: 支持的取值为 create, scale_down")
    if not names:
        return []
    return [[n] for n in names] if policy == "OrderedReady" else [names]


def delete_and_recreate(pods: Sequence[StatefulPod], ordinal: int) -> list[StatefulPod]:
    """删除序号为 ``ordinal`` 的 Pod，控制器用同一名称、同一 PVC 重建；IP 与 uid 是新的。"""
    by = {p.ordinal: p for p in pods}
    if ordinal not in by:
        raise ValueError(f"ordinal: Not found: {ordinal}: 现有序号为 {sorted(by)}")
    next_k = max(p.uid for p in pods) + 1
    return [replace(p, ip=_ip(next_k), uid=next_k) if p.ordinal == ordinal else p for p in pods]


def statefulset_timeline(name: str = "web", replicas: int = 3, service: str = "nginx", delete: int = 1,
                         namespace: str = "default") -> list[tuple[str, list[StatefulPod]]]:
    """OrderedReady 创建 ``replicas`` 个 Pod，然后删除 ``delete`` 号 Pod 并重建：每一步的身份表。

    删除到重建之间的一步里，被删的 Pod 不在表中（``ready=False`` 的占位行）。
    """
    full = statefulset_pods(name, replicas, service, namespace)
    _int(delete, "delete", 0, replicas - 1)
    steps = []
    for i in range(1, replicas + 1):
        steps.append((f"创建 {full[i - 1].name}", full[:i]))
    gone = [replace(p, ip="—", ready=False) if p.ordinal == delete else p for p in full]
    steps.append((f"删除 {full[delete].name}", gone))
    steps.append((f"控制器重建 {full[delete].name}", delete_and_recreate(full, delete)))
    return steps


# ---------------------------------------------------------------------------------------------
# DaemonSet（Ingress Controller）
# ---------------------------------------------------------------------------------------------


def daemonset_update_batches(nodes: int, max_unavailable: int = 1) -> list[list[int]]:
    """``RollingUpdate``、``maxSurge: 0`` 时的更新批次：每批最多 ``maxUnavailable`` 个节点先删后建。

    每批期间有 ``len(batch)`` 个节点没有 Ingress Controller，其余节点继续服务。
    """
    _int(nodes, "nodes", 1, 1000)
    _int(max_unavailable, "spec.updateStrategy.rollingUpdate.maxUnavailable", 1, nodes)
    return [list(range(i, min(i + max_unavailable, nodes))) for i in range(0, nodes, max_unavailable)]
