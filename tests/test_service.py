"""hakit.models.service：KUBE-SVC 链的概率（精确分数）、就绪端点、DNS 名、StatefulSet 身份、DaemonSet 批次；图与面板。"""
from __future__ import annotations

from fractions import Fraction

import plotly.io as pio
import pytest
from hypothesis import given, settings, strategies as st

from hakit.figures import service as FS
from hakit.models import service as S


def _eps(n, unready=()):
    return S.endpoint_slice([(f"pod-{i}", f"10.244.1.{10 + i}", i not in unready) for i in range(n)])


def test_rules_match_upstream_vector():
    # 3 个端点时 iptables-save 中的真实取值：0.3333333333、0.5000000000、最后一条无 statistic
    rules = S.kube_svc_rules(_eps(3))
    assert [r.probability_text for r in rules] == ["0.3333333333", "0.5000000000", None]
    assert [r.probability for r in rules] == [Fraction(1, 3), Fraction(1, 2), None]
    lines = S.iptables_save(_eps(3))
    assert sum("--probability" in l for l in lines) == 2
    assert lines[4].endswith(rules[2].target) and "statistic" not in lines[4]


# pkg/proxy/iptables/proxier_test.go TestInternalTrafficPolicyE2E, "internalTrafficPolicy is cluster"
UPSTREAM_NAT_3 = """\
-A KUBE-SERVICES -m comment --comment "ns1/svc1 cluster IP" -m tcp -p tcp -d 172.30.1.1 --dport 80 -j KUBE-SVC-AQI2S6QIMU7PVVRP
-A KUBE-SEP-3JOIVZTXZZRGORX4 -m comment --comment ns1/svc1 -s 10.0.1.1 -j KUBE-MARK-MASQ
-A KUBE-SEP-3JOIVZTXZZRGORX4 -m comment --comment ns1/svc1 -m tcp -p tcp -j DNAT --to-destination 10.0.1.1:80
-A KUBE-SEP-IO5XOSKPAXIFQXAJ -m comment --comment ns1/svc1 -s 10.0.1.2 -j KUBE-MARK-MASQ
-A KUBE-SEP-IO5XOSKPAXIFQXAJ -m comment --comment ns1/svc1 -m tcp -p tcp -j DNAT --to-destination 10.0.1.2:80
-A KUBE-SEP-XGJFVO3L2O5SRFNT -m comment --comment ns1/svc1 -s 10.0.1.3 -j KUBE-MARK-MASQ
-A KUBE-SEP-XGJFVO3L2O5SRFNT -m comment --comment ns1/svc1 -m tcp -p tcp -j DNAT --to-destination 10.0.1.3:80
-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 cluster IP" -m tcp -p tcp -d 172.30.1.1 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.1:80" -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-3JOIVZTXZZRGORX4
-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.2:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-IO5XOSKPAXIFQXAJ
-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.3:80" -j KUBE-SEP-XGJFVO3L2O5SRFNT"""


def _by_chain(lines):
    out = {}
    for line in lines:
        out.setdefault(line.split()[1], []).append(line)
    return out


def test_iptables_save_equals_upstream_proxier_output():
    eps = S.endpoint_slice([(f"p{i}", f"10.0.1.{i}", True) for i in (1, 2, 3)])
    lines = S.iptables_save(eps, "svc1", "ns1", 80, "172.30.1.1", port_name="", cluster_cidr="10.0.0.0/8")
    # upstream sorts chains; within a chain the order is the rule order
    assert _by_chain(lines) == _by_chain(UPSTREAM_NAT_3.splitlines())


def test_no_endpoints_reject_is_in_filter_table():
    # proxier_test.go TestOverallIPTablesRules: the filter table's KUBE-SERVICES for ns6/svc6 (no endpoints)
    eps = S.endpoint_slice([("p", "10.180.0.6", False)])
    assert S.iptables_save(eps, "svc6", "ns6", 80, "172.30.0.46", port_name="p80") == [
        '-A KUBE-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT']


@pytest.mark.parametrize("conds, used", [
    # pkg/proxy/topology_test.go TestCategorizeEndpoints, Cluster traffic policy
    ([(False, False, False), (False, False, False)], []),                       # "endpoints not Ready"
    ([(False, False, False), (True, True, False)], ["10.0.0.1"]),              # "some endpoints are Ready"
    ([(False, True, True), (False, True, True)], ["10.0.0.0", "10.0.0.1"]),    # "all endpoints are terminating"
    ([(True, True, False), (False, False, False), (False, True, True), (False, True, True)], ["10.0.0.0"]),
    ([(False, False, True), (False, True, True)], ["10.0.0.1"]),               # not serving: never used
])
def test_cluster_endpoints_fall_back_to_serving_terminating(conds, used):
    eps = S.endpoint_slice([(f"p{i}", f"10.0.0.{i}", *c) for i, c in enumerate(conds)])
    assert [e.address for e in S.cluster_endpoints(eps)] == used
    assert [r.endpoint.address for r in S.kube_svc_rules(eps)] == used
    assert ("REJECT" in S.iptables_save(eps)[0]) is (not used)


def test_only_terminating_endpoint_still_gets_traffic():
    # proxier_test.go TestTerminatingEndpointsTrafficPolicyLocal, "terminating endpoints on remote node":
    # the cluster IP still DNATs to the one serving + terminating endpoint (no REJECT)
    eps = S.endpoint_slice([("p", "10.0.1.5", False, True, True)])
    lines = S.iptables_save(eps, "svc1", "ns1", 80, "172.30.1.1", port_name="", cluster_cidr="10.0.0.0/8")
    assert '-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.5:80" -j KUBE-SEP-EQCHZ7S2PJ72OHAY' in lines
    assert not any("REJECT" in line for line in lines)


def test_ready_and_terminating_is_rejected():
    with pytest.raises(ValueError, match="serving && !terminating"):
        S.endpoint_slice([("a", "10.0.0.1", True, True, True)])
    with pytest.raises(ValueError, match="serving"):
        S.endpoint_slice([("a", "10.0.0.1", False, "yes", False)])


def test_four_endpoints_probabilities():
    rules = S.kube_svc_rules(_eps(4))
    assert [r.probability for r in rules[:3]] == [Fraction(1, 4), Fraction(1, 3), Fraction(1, 2)]


@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 40), data=st.data())
def test_each_ready_endpoint_gets_one_over_m(n, data):
    unready = data.draw(st.sets(st.integers(0, n - 1), max_size=n))
    rules = S.kube_svc_rules(_eps(n, unready))
    shares = S.endpoint_shares(rules)
    m = n - len(unready)
    assert len(rules) == m
    assert set(shares) == {f"pod-{i}" for i in range(n) if i not in unready}
    assert all(v == Fraction(1, m) for v in shares.values())
    if m:
        assert rules[-1].probability is None and sum(shares.values()) == 1


def test_no_ready_endpoints_reject():
    assert S.kube_svc_rules(_eps(2, {0, 1})) == []
    (line,) = S.iptables_save(_eps(2, {0, 1}))
    assert line.startswith("-A KUBE-SERVICES ") and line.endswith("-j REJECT") and "has no endpoints" in line
    with pytest.raises(ValueError):
        S.sample_chain([])


def test_sampling_close_to_uniform():
    counts = S.sample_chain(S.kube_svc_rules(_eps(4)), trials=8000, seed=1)
    assert all(abs(c / 8000 - 0.25) < 0.03 for c in counts.values())


def test_endpoint_slice_validation():
    with pytest.raises(ValueError, match="IPv4"):
        S.endpoint_slice([("a", "10.0.0.300", True)])
    with pytest.raises(ValueError, match="Duplicate"):
        S.endpoint_slice([("a", "10.0.0.1", True), ("b", "10.0.0.1", True)])
    with pytest.raises(ValueError, match="ready"):
        S.endpoint_slice([("a", "10.0.0.1", "yes")])


def test_dns_names():
    assert S.service_fqdn("backend", "shop") == "backend.shop.svc.cluster.local"
    assert S.service_fqdn("web", cluster_domain="corp.example") == "web.default.svc.corp.example"
    assert S.pod_fqdn("web-0", "nginx") == "web-0.nginx.default.svc.cluster.local"
    assert S.pod_fqdn("0-web", "nginx") == "0-web.nginx.default.svc.cluster.local"   # 主机名可以数字开头（RFC 1123）
    assert S.service_fqdn("1web") == "1web.default.svc.cluster.local"   # v1.36: RFC 1123 (#136389)
    with pytest.raises(ValueError, match="RFC 1035"):
        S.validate_dns_label("1web", rfc1035=True)                          # v1.35 and older
    for bad in ("Web", "-web", "web_1", "a" * 64, ""):                      # Service 名：RFC 1123
        with pytest.raises(ValueError):
            S.service_fqdn(bad)


def test_headless_records_only_ready():
    rec = S.headless_a_records(_eps(3, {1}), "nginx")
    assert rec["nginx.default.svc.cluster.local"] == ["10.244.1.10", "10.244.1.12"]
    assert "pod-1.nginx.default.svc.cluster.local" not in rec
    rec_all = S.headless_a_records(_eps(3, {1}), "nginx", publish_not_ready=True)
    assert len(rec_all["nginx.default.svc.cluster.local"]) == 3


def test_statefulset_identity_kept_ip_not_kept():
    pods = S.statefulset_pods("web", 3, "nginx", claims=("data",))
    assert [p.name for p in pods] == ["web-0", "web-1", "web-2"]
    assert pods[0].pvcs == ("data-web-0",)
    after = S.delete_and_recreate(pods, 1)
    old, new = pods[1], after[1]
    assert (new.name, new.dns, new.pvcs) == (old.name, old.dns, old.pvcs)
    assert new.ip != old.ip and new.uid != old.uid
    assert after[0] == pods[0] and after[2] == pods[2]
    assert S.pvc_name("www", "web", 2) == "www-web-2"
    assert [p.name for p in S.statefulset_pods("redis", 2, "redis", start=5)] == ["redis-5", "redis-6"]
    with pytest.raises(ValueError):
        S.delete_and_recreate(pods, 7)


def test_statefulset_order():
    assert S.statefulset_order(3) == [["web-0"], ["web-1"], ["web-2"]]
    assert S.statefulset_order(3, "Parallel") == [["web-0", "web-1", "web-2"]]
    assert S.statefulset_order(4, action="scale_down", to=1) == [["web-3"], ["web-2"], ["web-1"]]
    with pytest.raises(ValueError, match="podManagementPolicy"):
        S.statefulset_order(3, "Random")


def test_daemonset_batches():
    assert S.daemonset_update_batches(4) == [[0], [1], [2], [3]]
    assert S.daemonset_update_batches(5, 2) == [[0, 1], [2, 3], [4]]
    with pytest.raises(ValueError, match="maxUnavailable"):
        S.daemonset_update_batches(3, 0)


def test_figures_small_and_consistent():
    fig = FS.kube_svc_figure()
    assert len(pio.to_json(fig)) < 300_000
    # 下拉 “pod-1 未就绪” 后的滑块：n=4 时 3 个就绪端点各 1/3
    btn = fig.layout.updatemenus[0].buttons[2]
    slider = btn.args[1]["sliders"][0]
    step = slider["steps"][3]
    assert step["label"] == "4" and step["args"][0]["text"][0] == ["1/3", "未就绪：不在链中", "1/3", "1/3"]
    assert FS.chain_state(3, 5)["caption"].count("<br>规则") == 3
    t = FS.statefulset_figure()
    assert t.data[0].cells.values[4][1] != "10.244.0.3"  # 重建后 IP 变了
    assert len(FS.daemonset_update_figure().layout.sliders[0].steps) == 3


def test_widgets_errors_are_value_errors():
    from hakit.widgets import service as W
    with pytest.raises(ValueError):
        W.render_chain(3, "5")
    with pytest.raises(ValueError):
        W.render_chain(3, "a")
    assert list(W.render_chain(4, "0, 2").data[0].text) == ["未就绪：不在链中", "1/2", "未就绪：不在链中", "1/2"]


def test_chain_figure_for_any_endpoints():
    eps = S.endpoint_slice([("pod-0", "10.244.1.10", True), ("pod-1", "10.244.1.11", False),
                            ("pod-2", "10.244.1.12", True)])
    fig = FS.kube_svc_chain_figure(eps)
    assert list(fig.data[0].y) == [0.5, 0.0, 0.5]
    text = fig.layout.annotations[0].text
    assert text.count("-A KUBE-SVC-") == 3 and "0.5000000000" in text and "KUBE-MARK-MASQ" in text  # masq + 2 LB
    none = FS.kube_svc_chain_figure(S.endpoint_slice([("pod-0", "10.244.1.10", False)]))
    assert "-j REJECT" in none.layout.annotations[0].text
