"""kube-proxy：代理模式的现状，以及 iptables 模式下规则数如何随 Service 与端点 (endpoint) 增长。

只计 kube-proxy 的 ``syncProxyRules`` **为每个 Service 端口写入** 的规则（iptables-restore 输入里
以 ``-A`` 开头的行），依据上游源码 ``pkg/proxy/iptables/proxier.go``
（https://github.com/kubernetes/kubernetes/blob/master/pkg/proxy/iptables/proxier.go ，
``syncProxyRules`` 与 ``writeServiceToEndpointRules``）。对一个 ``type: ClusterIP``、
``internalTrafficPolicy: Cluster`` 的 Service 端口，有 ``n >= 1`` 个就绪端点时：

* ``nat KUBE-SERVICES``：1 条 —— “cluster IP” 规则，``-d <clusterIP> --dport <port> -j KUBE-SVC-…``；
* ``nat KUBE-SVC-…``（每个 Service 端口一条链）：1 条伪装规则 ``-j KUBE-MARK-MASQ``（当
  ``masqueradeAll`` 为真，或配置了 ``--cluster-cidr`` 等 “本地流量检测” 时写入；否则没有）
  + ``n`` 条负载均衡规则：前 ``n−1`` 条 ``-m statistic --mode random --probability 1/(n−i)``，
  最后一条无条件跳转；``sessionAffinity: ClientIP`` 时再加 ``n`` 条 ``-m recent --rcheck`` 规则；
* ``nat KUBE-SEP-…``（每个端点一条链）：每个端点 2 条 —— 回环流量的 ``-s <podIP> -j KUBE-MARK-MASQ``
  与 ``-j DNAT --to-destination <podIP:port>``。

没有端点 (``n == 0``) 时不生成任何 nat 链与规则，只在 ``filter`` 表的 ``KUBE-SERVICES`` 写 1 条
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

from dataclasses import dataclass
from fractions import Fraction

__all__ = [
    "PROXY_MODES",
    "mode_status",
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
    "ipvs": ("Linux", "v1.11 GA；自 v1.35 起弃用 (KEP-5495)，建议迁移到 nftables",
             "https://www.kubernetes.dev/resources/keps/5495/"),
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


@dataclass(frozen=True)
class ServiceRules:
    """一个 Service 端口在 iptables 模式下的规则数（按链分）。"""

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


def iptables_rules_per_service(endpoints: int, session_affinity: bool = False,
                               masquerade_all: bool = False, local_detector: bool = True) -> ServiceRules:
    """一个 ClusterIP Service 端口（``n = endpoints`` 个就绪端点）写入的规则，按链计（见模块说明）。

    ``session_affinity``：``sessionAffinity: ClientIP``；``masquerade_all``：kube-proxy 的
    ``--masquerade-all``；``local_detector``：是否配置了本地流量检测（如 ``--cluster-cidr``），
    决定 KUBE-SVC 链里那条伪装规则是否存在。
    """
    n = _count("endpoints", endpoints)
    affinity = _flag("session_affinity", session_affinity)
    masq_all = _flag("masquerade_all", masquerade_all)
    detector = _flag("local_detector", local_detector)
    if n == 0:
        return ServiceRules(0, 0, 0, 1, 0)
    masq = 1 if (masq_all or detector) else 0
    svc = masq + n + (n if affinity else 0)
    return ServiceRules(kube_services=1, svc_chain=svc, sep_chains=2 * n, filter_reject=0, nat_chains=1 + n)


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
    """一个 Service 端口的 nat 规则示意（iptables-save 格式，链名中的哈希用占位符）。行数等于
    ``iptables_rules_per_service(endpoints).nat_rules``。"""
    n = _count("endpoints", endpoints, lo=1, hi=20)
    svc = "KUBE-SVC-XXXXXXXXXXXXXXXX"
    lines = [f'-A KUBE-SERVICES -d {cluster_ip}/32 -p tcp -m comment --comment "{name} cluster IP" '
             f"-m tcp --dport {port} -j {svc}",
             f'-A {svc} ! -s {pod_cidr} -d {cluster_ip}/32 -p tcp -m comment --comment "{name} cluster IP" '
             f"-m tcp --dport {port} -j KUBE-MARK-MASQ"]
    probs = selection_probabilities(n)
    seps = [f"KUBE-SEP-EP{i + 1:014d}" for i in range(n)]
    for i, (p, sep) in enumerate(zip(probs, seps)):
        stat = f" -m statistic --mode random --probability {float(p):.10f}" if i < n - 1 else ""
        lines.append(f"-A {svc} -m comment --comment \"{name} -> 10.244.{i + 1}.5:8080\"{stat} -j {sep}")
    for i, sep in enumerate(seps):
        ip = f"10.244.{i + 1}.5"
        lines.append(f'-A {sep} -s {ip}/32 -m comment --comment "{name}" -j KUBE-MARK-MASQ')
        lines.append(f'-A {sep} -p tcp -m comment --comment "{name}" -m tcp -j DNAT --to-destination {ip}:8080')
    return lines
