"""kube-proxy 规则计数模型、图与面板。向量来自 pkg/proxy/iptables/proxier.go 的 syncProxyRules。"""
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

from hakit.models import kubeproxy as K


def test_three_endpoints_match_iptables_save_shape():
    # 1 cluster IP 规则 + KUBE-SVC（1 条伪装 + 3 条负载均衡）+ 3 个 KUBE-SEP × 2 条 = 11
    r = K.iptables_rules_per_service(3)
    assert (r.kube_services, r.svc_chain, r.sep_chains, r.filter_reject, r.nat_chains) == (1, 4, 6, 0, 4)
    assert r.nat_rules == 11
    assert len(K.iptables_save_sample(3)) == 11


def test_chain_names_are_upstream_hashes():
    # names that appear in pkg/proxy/iptables/proxier_test.go
    assert K.svc_chain_name(K.service_port_name("ns1", "svc1", "p80")) == "KUBE-SVC-XPGD46QRK7WJZT7O"
    assert K.sep_chain_name("ns1/svc1:p80", "10.180.0.1:80") == "KUBE-SEP-SXIVWICOYRO3J4NJ"
    assert K.svc_chain_name(K.service_port_name("ns1", "svc1")) == "KUBE-SVC-AQI2S6QIMU7PVVRP"
    assert K.sep_chain_name("ns1/svc1", "10.0.1.5:80") == "KUBE-SEP-EQCHZ7S2PJ72OHAY"


def test_session_affinity_rules_match_upstream():
    # proxier_test.go TestTerminatingEndpointsTrafficPolicyLocal (sessionAffinity: ClientIP, timeout 10800)
    r = K.service_port_rules(["10.0.1.1:80", "10.0.1.2:80", "10.0.1.5:80"], "ns1", "svc1", "", "172.30.1.1",
                             session_affinity=True, cluster_cidr="10.0.0.0/8")
    assert ('-A KUBE-SVC-AQI2S6QIMU7PVVRP -m comment --comment "ns1/svc1 -> 10.0.1.2:80" -m recent --name '
            'KUBE-SEP-IO5XOSKPAXIFQXAJ --rcheck --seconds 10800 --reap -j KUBE-SEP-IO5XOSKPAXIFQXAJ') in r.nat
    assert ('-A KUBE-SEP-EQCHZ7S2PJ72OHAY -m comment --comment ns1/svc1 -m recent --name KUBE-SEP-EQCHZ7S2PJ72OHAY '
            '--set -m tcp -p tcp -j DNAT --to-destination 10.0.1.5:80') in r.nat
    svc = [line for line in r.nat if line.startswith("-A KUBE-SVC-")]
    assert ["recent" in line for line in svc] == [False, True, True, True, False, False, False]  # affinity first
    assert r.filter == ()


def test_no_endpoints_only_filter_reject():
    r = K.service_port_rules([], "ns6", "svc6", "p80", "172.30.0.46")
    assert r.nat == () and r.nat_chains == ()
    assert r.filter == ('-A KUBE-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp '
                        '-d 172.30.0.46 --dport 80 -j REJECT',)
    r = K.iptables_rules_per_service(0)
    assert r.nat_rules == 0 and r.filter_reject == 1 and r.nat_chains == 0


def test_options_change_counts():
    assert K.iptables_rules_per_service(3, session_affinity=True).svc_chain == 1 + 3 + 3
    assert K.iptables_rules_per_service(3, local_detector=False).svc_chain == 3
    assert K.iptables_rules_per_service(3, masquerade_all=True, local_detector=False).svc_chain == 4


def test_totals_formula():
    assert K.iptables_rule_count(10, 3)["nat_rules"] == 110
    assert K.iptables_rule_count(10000, 5)["nat_rules"] == 10000 * 17
    assert K.iptables_rule_count(5, 0) == {"KUBE-SERVICES": 0, "KUBE-SVC": 0, "KUBE-SEP": 0, "filter": 5,
                                           "nat_rules": 0, "total": 5, "nat_chains": 0}


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 500), st.integers(1, 60))
def test_linear_in_services_and_endpoints(s, n):
    r = K.iptables_rule_count(s, n)
    assert r["nat_rules"] == s * (3 * n + 2)
    assert r["nat_chains"] == s * (n + 1)
    assert K.iptables_rule_count(s + 1, n)["nat_rules"] - r["nat_rules"] == 3 * n + 2


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 40))
def test_statistic_probabilities_give_uniform_choice(n):
    probs = K.selection_probabilities(n)
    assert probs[-1] == 1
    remaining = Fraction(1)
    for p in probs:
        assert remaining * p == Fraction(1, n)   # 每个端点被选中的概率都是 1/n
        remaining *= 1 - p
    assert remaining == 0


def test_first_packet_costs():
    assert K.first_packet_rules(1000, 3) == pytest.approx(500.5 + 1 + 2 + 2)
    assert K.first_packet_rules(1000, 3, position=1) == 1 + 1 + 2 + 2
    assert K.first_packet_rules(1000, 3, mode="nftables") == 1
    assert K.first_packet_rules(10, 3) < K.first_packet_rules(10000, 3)
    assert K.ipvs_objects(100, 3) == {"virtual_servers": 100, "real_servers": 300}


def test_modes():
    assert "v1.26 移除" in K.mode_status("userspace")        # kubernetes/website 448e807: v1.26 has no userspace mode
    assert "v1.33 GA" in K.mode_status("nftables")          # kube_features.go NFTablesProxyMode 1.33 GA
    assert "v1.35 起弃用" in K.mode_status("ipvs")           # KEP-5495 milestone deprecated v1.35
    assert "默认" in K.mode_status("iptables")


@pytest.mark.parametrize("call", [
    lambda: K.iptables_rules_per_service(-1),
    lambda: K.iptables_rules_per_service(2.5),
    lambda: K.iptables_rules_per_service(True),
    lambda: K.iptables_rules_per_service(3, session_affinity="yes"),
    lambda: K.iptables_rule_count(-3, 1),
    lambda: K.selection_probabilities(0),
    lambda: K.first_packet_rules(10, 3, mode="userspace"),
    lambda: K.first_packet_rules(10, 3, position=11),
    lambda: K.mode_status("ebpf"),
    lambda: K.service_port_rules(["10.0.0.1"]),
    lambda: K.service_port_rules(["10.0.0.300:80"]),
    lambda: K.iptables_save_sample(3, name="Web"),
    lambda: K.iptables_rules_per_service(10_001),
])
def test_bad_input_raises_chinese_valueerror(call):
    with pytest.raises(ValueError) as e:
        call()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(e.value))


def test_figure_sliders_and_size():
    from hakit.figures.kubeproxy import rule_growth_figure, ENDPOINT_GRID, SERVICE_GRID
    fig = rule_growth_figure()
    ep, sv = fig.layout.sliders
    assert len(ep.steps) == len(ENDPOINT_GRID) and all(s.method == "restyle" for s in ep.steps + sv.steps)
    # 端点滑块 n=5 那一步：合计曲线在 S=1000 处是 1000×17
    step = ep.steps[ENDPOINT_GRID.index(5)]
    total = step.args[0]["y"][3]
    assert total[SERVICE_GRID.index(1000)] == 17000
    assert len(fig.to_json()) < 300_000


def test_panel_wiring_and_errors():
    import inspect
    from hakit.widgets.kubeproxy import kubeproxy_panel, render_rules
    p = kubeproxy_panel()
    names = {c._hakit_name for c in p.children[1].children}
    assert names == set(inspect.signature(render_rules).parameters)
    assert "11,000" in render_rules(1000, 3).layout.title.text
    with pytest.raises(ValueError, match="必须是"):
        render_rules(-1, 3)


def test_nodeport_rules_match_upstream():
    # proxier_test.go TestNodePort (svc ns1/svc1:p80, cluster IP 172.30.0.41, nodePort 3001, one endpoint)
    r = K.service_port_rules(["10.180.0.1:80"], "ns1", "svc1", "p80", "172.30.0.41", node_port=3001,
                             cluster_cidr="10.0.0.0/8")
    for line in (
        "-A KUBE-NODEPORTS -m comment --comment ns1/svc1:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-XPGD46QRK7WJZT7O",
        '-A KUBE-EXT-XPGD46QRK7WJZT7O -m comment --comment "masquerade traffic for ns1/svc1:p80 external destinations" '
        "-j KUBE-MARK-MASQ",
        "-A KUBE-EXT-XPGD46QRK7WJZT7O -j KUBE-SVC-XPGD46QRK7WJZT7O",
        '-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 '
        "-j KUBE-SVC-XPGD46QRK7WJZT7O",
        "-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80",
    ):
        assert line in r.nat
    # no endpoints: both REJECTs are in the filter table, the NodePort one in KUBE-EXTERNAL-SERVICES
    empty = K.service_port_rules([], "ns1", "svc1", "p80", "172.30.0.41", node_port=3001)
    assert empty.nat == ()
    assert [line.split()[1] for line in empty.filter] == ["KUBE-SERVICES", "KUBE-EXTERNAL-SERVICES"]
    assert empty.filter[1].endswith("-m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j REJECT")
