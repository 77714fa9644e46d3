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


def test_no_endpoints_only_filter_reject():
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
    assert "v1.26" in K.mode_status("userspace")
    assert "v1.33" in K.mode_status("nftables")
    assert "v1.35" in K.mode_status("ipvs")


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
