"""kube-proxy：代理模式的现状，以及 iptables 模式下规则数如何随 Service 与端点 (endpoint) 增长。

只计 kube-proxy 的 ``syncProxyRules`` **为每个 Service 端口写入** 的规则（iptables-restore 输入里
以 ``-A`` 开头的行），依据上游源码 ``pkg/proxy/iptables/proxier.go``
（https://github.com/kubernetes/kubernetes/blob/master/pkg/proxy/iptables/proxier.go ，
``syncProxyRules`` 与 ``writeServiceToEndpointRules``）。对一个 ``type: ClusterIP``、
``internalTrafficPolicy: Cluster`` 的 Service 端口，有 ``n >= 1`` 个可用端点时（就绪的端点；一个就绪的都没有时
回退到 serving 且 terminating 的端点，见 :func:`hakit.models.service.cluster_endpoints`）：

* ``nat KUBE-SERVICES``：1 条 —— “cluster IP” 规则，``-d <clusterIP> --dport <port> -j KUBE-SVC-…``；
* ``nat KUBE-SVC-…``（每个 Service 端口一条链）：1 条伪装规则 ``-j KUBE-MARK-MASQ``（当
  ``masqueradeAll`` 为真，或配置了 ``--cluster-cidr`` 等 “本地流量检测” 时写入；否则没有）
  + ``n`` 条负载均衡规则：前 ``n−1`` 条 ``-m statistic --mode random --probability 1/(n−i)``，
  最后一条无条件跳转；``sessionAffinity: ClientIP`` 时再加 ``n`` 条 ``-m recent --rcheck`` 规则；
* ``nat KUBE-SEP-…``（每个端点一条链）：每个端点 2 条 —— 回环流量的 ``-s <podIP> -j KUBE-MARK-MASQ``
  与 ``-j DNAT --to-destination <podIP:port>``。

没有可用端点 (``n == 0``) 时不生成任何 nat 链与规则，只在 ``filter`` 表的 ``KUBE-SERVICES`` 写 1 条
``REJECT``（“has no endpoints”）。

**不计** 与 Service 数无关的固定规则（``KUBE-SERVICES`` 末尾跳到 ``KUBE-NODEPORTS`` 的那一条、
``KUBE-POSTROUTING``、``KUBE-MARK-MASQ``、``KUBE-FORWARD`` 等），也不计 NodePort、LoadBalancer、
externalIPs 与 ``Local`` 流量策略带来的额外规则（EXT/FW/SVL 链）。链声明行（``:KUBE-SVC-… - [0:0]``）
不是规则，单独以 ``nat_chains`` 计。

数据面的匹配代价：iptables 对一个新连接的首包在 ``KUBE-SERVICES`` 链中 **逐条** 比较，
代价与 Service 数成正比；nftables 模式用 verdict map 一次查找，ipvs 模式用内核哈希表
（Kubernetes 博客 “NFTables mode for kube-proxy”，2025-02-28：
https://kubernetes.io/blog/2025/02/28/nftables-kube-proxy/ ；
文档 https://kubernetes.io/docs/reference/networking/virtual-ips/ ）。ipvs 模式借助 ipset
使 iptables 规则数保持常数，每个 Service 端口是一个 IPVS virtual server、每个端点是一个
real server（https://github.com/kubernetes/kubernetes/blob/master/pkg/proxy/ipvs/README.md ）。

这里只有纯 Python，不画图；画图见 ``hakit.figures.kubeproxy``。
"""
from __future__ import annotations

import base64
import functools
import hashlib
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

__all__ = [
    "PROXY_MODES",
    "mode_status",
    "ProxyRules",
    "service_port_name",
    "svc_chain_name",
    "sep_chain_name",
    "probability_text",
    "service_port_rules",
    "ServiceRules",
    "iptables_rules_per_service",
    "iptables_rule_count",
    "selection_probabilities",
    "first_packet_rules",
    "ipvs_objects",
    "iptables_save_sample",
]

#: kube-proxy 代理模式 -> (平台, 状态说明, 来源)。
PROXY_MODES: dict[str, tuple[str, str, str]] = {
    "userspace": ("Linux/Windows", "已在 v1.26 移除",
                  "https://github.com/kubernetes/website/commit/448e80731ea34bd15a3d59478e1db6c6947fec91"),
    "iptables": ("Linux", "默认模式（至今仍是默认）",
                 "https://kubernetes.io/docs/reference/networking/virtual-ips/"),
    # KEP-5495 kep.yaml: milestone deprecated "v1.35"（kube-proxy 启动时打印弃用警告）
    "ipvs": ("Linux", "v1.11 GA；自 v1.35 起弃用 (KEP-5495)，建议迁移到 nftables",
             "https://www.kubernetes.dev/resources/keps/5495/"),
    # pkg/features/kube_features.go NFTablesProxyMode: 1.29 Alpha, 1.31 Beta, 1.33 GA (LockToDefault)
    "nftables": ("Linux", "v1.29 alpha、v1.31 beta、v1.33 GA (KEP-3866)，不是默认",
                 "https://kubernetes.io/blog/2025/02/28/nftables-kube-proxy/"),
    "kernelspace": ("Windows", "Windows 节点上唯一的模式",
                    "https://kubernetes.io/docs/reference/networking/virtual-ips/"),
}


def mode_status(mode: str) -> str:
    """一个代理模式的现状（中文一句话）。未知模式抛出 ``ValueError``。"""
    if mode not in PROXY_MODES:
        raise ValueError(f"mode: Unsupported value: {mode!r}: 支持的取值为 {', '.join(PROXY_MODES)}")
    return PROXY_MODES[mode][1]


def _count(name: str, value: object, lo: int = 0, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < lo or (hi is not None and value > hi):
        rng = f"{lo} 到 {hi}" if hi is not None else f"大于或等于 {lo}"
        raise ValueError(f"{name}: Invalid value: {value!r}: 必须是{rng}的整数")
    return value


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name}: Invalid value: {value!r}: 必须是 True 或 False")
    return value


# ---------------------------------------------------------------------------------------------
# 一个 Service 端口的规则：KUBE-SVC 链的唯一模型（hakit.models.service 也调用这里）
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ProxyRules:
    """``syncProxyRules`` 为一个 ClusterIP Service 端口写入 iptables-restore 的行（``-A`` 规则）。

    ``filter``：filter 表（没有可用端点时 ``KUBE-SERVICES`` 里的 REJECT）；``nat``：nat 表里
    ``KUBE-SERVICES`` 的跳转、``KUBE-SVC-…`` 链与每个端点的 ``KUBE-SEP-…`` 链；``nat_chains``：声明的 nat 链名。
    """

    filter: tuple
    nat: tuple
    nat_chains: tuple


def _hash16(text: str) -> str:
    # proxier.go portProtoHash: sha256 -> base32 -> 前 16 个字符
    return base64.b32encode(hashlib.sha256(text.encode()).digest()).decode()[:16]


def service_port_name(namespace: str, name: str, port_name: str = "") -> str:
    """``ServicePortName.String()``：``<namespace>/<name>:<port>``，端口没有名字时是 ``<namespace>/<name>``。"""
    return f"{namespace}/{name}" + (f":{port_name}" if port_name else "")


def svc_chain_name(svc_port_name: str, protocol: str = "tcp") -> str:
    """``servicePortPolicyClusterChain``：``KUBE-SVC-`` + portProtoHash(ServicePortName, protocol)。"""
    return "KUBE-SVC-" + _hash16(svc_port_name + protocol)


def sep_chain_name(svc_port_name: str, endpoint: str, protocol: str = "tcp") -> str:
    """``servicePortEndpointChainName``：``KUBE-SEP-`` + hash(ServicePortName + protocol + "ip:port")。"""
    return "KUBE-SEP-" + _hash16(svc_port_name + protocol + endpoint)


def probability_text(n: int) -> str:
    """``computeProbability(n)``：``fmt.Sprintf("%0.10f", 1.0/float64(n))``。"""
    return f"{1.0 / _count('n', n, lo=1):0.10f}"


_ENDPOINT = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$")


def _endpoint(i: int, ep: object) -> tuple[str, str]:
    m = _ENDPOINT.match(ep) if isinstance(ep, str) else None
    if m is None or int(m.group(2)) > 65535 or any(int(x) > 255 for x in m.group(1).split(".")):
        raise ValueError(f"endpoints[{i}]: Invalid value: {ep!r}: 必须是 \"IPv4:端口\"，例如 10.244.1.5:8080")
    return m.group(1), ep


def _svc_rules(svc: str, spn: str, eps: list, seps: list, affinity: bool, sticky: int) -> list[str]:
    """writeServiceToEndpointRules：先是会话亲和规则，再是负载均衡规则（最后一条无条件）。"""
    out = []
    if affinity:
        out += [f'-A {svc} -m comment --comment "{spn} -> {ep}" -m recent --name {sep} --rcheck --seconds {sticky} '
                f"--reap -j {sep}" for (_, ep), sep in zip(eps, seps)]
    n = len(eps)
    for i, ((_, ep), sep) in enumerate(zip(eps, seps)):
        stat = f" -m statistic --mode random --probability {probability_text(n - i)}" if i < n - 1 else ""
        out.append(f'-A {svc} -m comment --comment "{spn} -> {ep}"{stat} -j {sep}')
    return out


def service_port_rules(endpoints: Sequence[str], namespace: str = "default", name: str = "web",
                       port_name: str = "http", cluster_ip: str = "10.96.0.10", port: int = 80,
                       protocol: str = "tcp", session_affinity: bool = False, sticky_seconds: int = 10800,
                       masquerade_all: bool = False, cluster_cidr: str | None = "10.244.0.0/16",
                       node_port: int | None = None) -> ProxyRules:
    """``syncProxyRules`` 为一个 ``type: ClusterIP``、``internalTrafficPolicy: Cluster`` 的 Service 端口写的规则。

    ``endpoints``：kube-proxy 选出的可用端点（``"ip:port"``，顺序即链中顺序；怎么选见
    :func:`hakit.models.service.cluster_endpoints`）。``cluster_cidr``：本地流量检测用的 Pod 网段
    （kubeadm/kind 传 ``--cluster-cidr``；``None`` 表示没有检测器，也就没有 KUBE-SVC 里的伪装规则，除非
    ``masquerade_all``）。没有端点时只在 **filter** 表 ``KUBE-SERVICES`` 写一条 REJECT，nat 表里什么也不写
    （proxier.go：“we will not generate any chains in the "nat" table for the service; only rules in the
    "filter" table rejecting incoming packets”）。``node_port``（``type: NodePort``，``externalTrafficPolicy:
    Cluster``）时另有 ``KUBE-NODEPORTS`` 跳到 ``KUBE-EXT-…`` 链（伪装后进 ``KUBE-SVC-…``）；没有端点时 NodePort 的
    REJECT 在 filter 表的 ``KUBE-EXTERNAL-SERVICES`` 里。
    """
    eps = [_endpoint(i, e) for i, e in enumerate(endpoints)]
    affinity = _flag("session_affinity", session_affinity)
    masq_all = _flag("masquerade_all", masquerade_all)
    sticky = _count("sessionAffinityConfig.clientIP.timeoutSeconds", sticky_seconds, lo=1, hi=86400)
    _count("port", port, lo=1, hi=65535)
    spn = service_port_name(namespace, name, port_name)
    match = f"-m {protocol} -p {protocol} -d {cluster_ip} --dport {port}"
    if node_port is not None:
        _count("spec.ports[0].nodePort", node_port, lo=1, hi=65535)
    if not eps:
        reject = [f'-A KUBE-SERVICES -m comment --comment "{spn} has no endpoints" {match} -j REJECT']
        if node_port is not None:
            reject.append(f'-A KUBE-EXTERNAL-SERVICES -m comment --comment "{spn} has no endpoints" -m addrtype '
                          f"--dst-type LOCAL -m {protocol} -p {protocol} --dport {node_port} -j REJECT")
        return ProxyRules(tuple(reject), (), ())
    svc = svc_chain_name(spn, protocol)
    seps = [sep_chain_name(spn, ep, protocol) for _, ep in eps]
    nat = [f'-A KUBE-SERVICES -m comment --comment "{spn} cluster IP" {match} -j {svc}']
    if masq_all or cluster_cidr:
        not_local = f" ! -s {cluster_cidr}" if cluster_cidr and not masq_all else ""
        nat.append(f'-A {svc} -m comment --comment "{spn} cluster IP" {match}{not_local} -j KUBE-MARK-MASQ')
    nat += _svc_rules(svc, spn, eps, seps, affinity, sticky)
    ext = []
    if node_port is not None:
        ext = ["KUBE-EXT-" + svc[len("KUBE-SVC-"):]]
        nat += [f"-A KUBE-NODEPORTS -m comment --comment {spn} -m {protocol} -p {protocol} --dport {node_port} -j {ext[0]}",
                f'-A {ext[0]} -m comment --comment "masquerade traffic for {spn} external destinations" -j KUBE-MARK-MASQ',
                f"-A {ext[0]} -j {svc}"]
    for (ip, ep), sep in zip(eps, seps):
        recent = f" -m recent --name {sep} --set" if affinity else ""
        nat += [f"-A {sep} -m comment --comment {spn} -s {ip} -j KUBE-MARK-MASQ",
                f"-A {sep} -m comment --comment {spn}{recent} -m {protocol} -p {protocol} -j DNAT --to-destination {ep}"]
    return ProxyRules((), tuple(nat), (svc, *ext, *seps))


@dataclass(frozen=True)
class ServiceRules:
    """一个 Service 端口在 iptables 模式下的规则数（按链分），由 :func:`service_port_rules` 的输出数出来。"""

    kube_services: int   # nat KUBE-SERVICES 中的 cluster IP 规则
    svc_chain: int       # nat KUBE-SVC-… 链中的规则
    sep_chains: int      # 所有 KUBE-SEP-… 链中的规则之和
    filter_reject: int   # 没有端点时 filter KUBE-SERVICES 中的 REJECT 规则
    nat_chains: int      # 声明的 nat 链（KUBE-SVC + KUBE-SEP）

    @property
    def nat_rules(self) -> int:
        return self.kube_services + self.svc_chain + self.sep_chains

    @property
    def total(self) -> int:
        """nat 与 filter 表中为这个 Service 端口写入的规则总数。"""
        return self.nat_rules + self.filter_reject


_MAX_ENDPOINTS = 10_000


@functools.lru_cache(maxsize=256)
def _rules_per_service(n: int, affinity: bool, masq_all: bool, detector: bool) -> ServiceRules:
    eps = [f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}:8080" for i in range(n)]
    r = service_port_rules(eps, session_affinity=affinity, masquerade_all=masq_all,
                           cluster_cidr="10.244.0.0/16" if detector else None)
    count = lambda prefix: sum(1 for line in r.nat if line.startswith(prefix))  # noqa: E731
    return ServiceRules(count("-A KUBE-SERVICES "), count("-A KUBE-SVC-"), count("-A KUBE-SEP-"),
                        len(r.filter), len(r.nat_chains))


def iptables_rules_per_service(endpoints: int, session_affinity: bool = False,
                               masquerade_all: bool = False, local_detector: bool = True) -> ServiceRules:
    """一个 ClusterIP Service 端口（``n = endpoints`` 个可用端点）写入的规则，按链计：数的是
    :func:`service_port_rules` 生成的行（见模块说明）。

    ``session_affinity``：``sessionAffinity: ClientIP``；``masquerade_all``：kube-proxy 的
    ``--masquerade-all``；``local_detector``：是否配置了本地流量检测（如 ``--cluster-cidr``），
    决定 KUBE-SVC 链里那条伪装规则是否存在。
    """
    n = _count("endpoints", endpoints, hi=_MAX_ENDPOINTS)
    return _rules_per_service(n, _flag("session_affinity", session_affinity),
                              _flag("masquerade_all", masquerade_all), _flag("local_detector", local_detector))


def iptables_rule_count(services: int, endpoints_per_service: int, session_affinity: bool = False,
                        masquerade_all: bool = False, local_detector: bool = True) -> dict[str, int]:
    """``services`` 个相同的 ClusterIP Service 端口、各有 ``endpoints_per_service`` 个端点时的规则总数。

    返回 ``{"KUBE-SERVICES", "KUBE-SVC", "KUBE-SEP", "filter", "nat_rules", "total", "nat_chains"}``。
    默认设置下 nat 规则 = ``services × (3n + 2)``（n ≥ 1）。
    """
    s = _count("services", services)
    r = iptables_rules_per_service(endpoints_per_service, session_affinity, masquerade_all, local_detector)
    return {
        "KUBE-SERVICES": s * r.kube_services,
        "KUBE-SVC": s * r.svc_chain,
        "KUBE-SEP": s * r.sep_chains,
        "filter": s * r.filter_reject,
        "nat_rules": s * r.nat_rules,
        "total": s * r.total,
        "nat_chains": s * r.nat_chains,
    }


def selection_probabilities(endpoints: int) -> list[Fraction]:
    """KUBE-SVC 链中第 i 条规则上的 ``--probability``：``1/(n−i)``（i = 0…n−1，最后一条为 1，即无条件）。

    依次匹配时，每个端点被选中的概率都是 ``1/n``（tests/test_kubeproxy.py 验证了这一点）。
    上游把它格式化为 ``%0.10f`` 之类的小数字符串；这里用精确分数。
    """
    n = _count("endpoints", endpoints, lo=1)
    return [Fraction(1, n - i) for i in range(n)]


def first_packet_rules(services: int, endpoints: int, mode: str = "iptables",
                       position: int | None = None) -> float:
    """一个新连接的首包在 nat 表里要比较多少条 kube-proxy 规则（只计本模块计数的规则）。

    ``iptables``：在 KUBE-SERVICES 中逐条比较到目标 Service 的那一条（``position``，从 1 起；
    缺省取均匀分布下的期望 ``(S+1)/2``），再进入 KUBE-SVC 链：伪装规则 1 条 + 负载均衡规则的期望
    ``(n+1)/2`` 条，最后是 KUBE-SEP 链的 2 条。``nftables``、``ipvs``：一次 map / 哈希表查找，
    记为 1（与 S、n 无关）。
    """
    s = _count("services", services, lo=1)
    n = _count("endpoints", endpoints, lo=1)
    if mode in ("nftables", "ipvs"):
        return 1.0
    if mode != "iptables":
        raise ValueError(f"mode: Unsupported value: {mode!r}: 支持的取值为 iptables, nftables, ipvs")
    if position is None:
        pos = (s + 1) / 2
    else:
        pos = _count("position", position, lo=1, hi=s)
    return pos + 1 + (n + 1) / 2 + 2


def ipvs_objects(services: int, endpoints_per_service: int) -> dict[str, int]:
    """ipvs 模式下内核 IPVS 表的条目：每个 Service 端口 1 个 virtual server，每个端点 1 个 real server。"""
    s = _count("services", services)
    n = _count("endpoints_per_service", endpoints_per_service)
    return {"virtual_servers": s, "real_servers": s * n}


def iptables_save_sample(endpoints: int = 3, name: str = "default/web:http",
                         cluster_ip: str = "10.96.0.10", port: int = 80,
                         pod_cidr: str = "10.244.0.0/16") -> list[str]:
    """一个 Service 端口的 nat 规则（:func:`service_port_rules` 的输出，端点为 10.244.<i>.5:8080）。
    行数等于 ``iptables_rules_per_service(endpoints).nat_rules``。"""
    n = _count("endpoints", endpoints, lo=1, hi=20)
    m = re.fullmatch(r"([a-z0-9-]+)/([a-z0-9-]+)(?::([a-z0-9-]+))?", name) if isinstance(name, str) else None
    if m is None:
        raise ValueError(f"name: Invalid value: {name!r}: 必须是 <namespace>/<service>[:<端口名>]，例如 default/web:http")
    eps = [f"10.244.{i + 1}.5:8080" for i in range(n)]
    return list(service_port_rules(eps, m.group(1), m.group(2), m.group(3) or "", cluster_ip, port,
                                   cluster_cidr=pod_cidr).nat)
