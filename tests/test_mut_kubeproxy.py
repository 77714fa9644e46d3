"""Pinning tests for hakit.models.kubeproxy against pkg/proxy/iptables/proxier.go (syncProxyRules,
writeServiceToEndpointRules) and the proxier_test.go vectors; API validation ranges from the Service spec."""
from __future__ import annotations

import dataclasses

import pytest

from hakit.models import kubeproxy as K

# pkg/proxy/iptables/proxier_test.go TestInternalTrafficPolicyE2E, "internalTrafficPolicy is cluster"
SVC = "KUBE-SVC-AQI2S6QIMU7PVVRP"
UPSTREAM_SVC_CHAIN = [
    f'-A {SVC} -m comment --comment "ns1/svc1 cluster IP" -m tcp -p tcp -d 172.30.1.1 --dport 80 ! -s 10.0.0.0/8 '
    "-j KUBE-MARK-MASQ",
    f'-A {SVC} -m comment --comment "ns1/svc1 -> 10.0.1.1:80" -m statistic --mode random --probability 0.3333333333 '
    "-j KUBE-SEP-3JOIVZTXZZRGORX4",
    f'-A {SVC} -m comment --comment "ns1/svc1 -> 10.0.1.2:80" -m statistic --mode random --probability 0.5000000000 '
    "-j KUBE-SEP-IO5XOSKPAXIFQXAJ",
    f'-A {SVC} -m comment --comment "ns1/svc1 -> 10.0.1.3:80" -j KUBE-SEP-XGJFVO3L2O5SRFNT',
]
EPS3 = ["10.0.1.1:80", "10.0.1.2:80", "10.0.1.3:80"]


def _svc_lines(r):
    return [line for line in r.nat if line.startswith("-A KUBE-SVC-")]


def test_svc_chain_equals_upstream_vector():
    r = K.service_port_rules(EPS3, "ns1", "svc1", "", "172.30.1.1", cluster_cidr="10.0.0.0/8")
    assert _svc_lines(r) == UPSTREAM_SVC_CHAIN
    assert "-A KUBE-SEP-3JOIVZTXZZRGORX4 -m comment --comment ns1/svc1 -s 10.0.1.1 -j KUBE-MARK-MASQ" in r.nat
    assert r.nat_chains == (SVC, "KUBE-SEP-3JOIVZTXZZRGORX4", "KUBE-SEP-IO5XOSKPAXIFQXAJ", "KUBE-SEP-XGJFVO3L2O5SRFNT")


def test_probabilities_for_four_endpoints():
    # computeProbability(n - i) for i < n-1: 1/4, 1/3, 1/2, then no statistic match
    eps = [f"10.0.2.{i}:8080" for i in range(1, 5)]
    lines = _svc_lines(K.service_port_rules(eps, cluster_cidr=None))
    probs = [line.split("--probability ")[1].split()[0] if "--probability" in line else None for line in lines]
    assert probs == ["0.2500000000", "0.3333333333", "0.5000000000", None]
    one = _svc_lines(K.service_port_rules(["10.0.2.1:8080"], cluster_cidr=None))
    assert len(one) == 1 and "statistic" not in one[0]   # the only rule is a guaranteed match


def test_masquerade_all_drops_the_local_detector_match():
    # proxier.go: if masqueradeAll { ... -j KUBE-MARK-MASQ } else if localDetector.IsImplemented() { ... IfNotLocal() ... }
    base = '-A KUBE-SVC-'
    r = K.service_port_rules(EPS3, "ns1", "svc1", "", "172.30.1.1", masquerade_all=True, cluster_cidr="10.0.0.0/8")
    assert _svc_lines(r)[0] == (f'-A {SVC} -m comment --comment "ns1/svc1 cluster IP" -m tcp -p tcp -d 172.30.1.1 '
                                "--dport 80 -j KUBE-MARK-MASQ")
    r = K.service_port_rules(EPS3, "ns1", "svc1", "", "172.30.1.1", masquerade_all=True, cluster_cidr=None)
    assert _svc_lines(r)[0].endswith("--dport 80 -j KUBE-MARK-MASQ") and "! -s" not in _svc_lines(r)[0]
    r = K.service_port_rules(EPS3, "ns1", "svc1", "", "172.30.1.1", cluster_cidr=None)
    assert not any("KUBE-MARK-MASQ" in line for line in _svc_lines(r)) and _svc_lines(r)[0].startswith(base)
    # default: masqueradeAll off, detector on
    r = K.service_port_rules(EPS3)
    assert _svc_lines(r)[0].endswith("! -s 10.244.0.0/16 -j KUBE-MARK-MASQ")
    assert K.iptables_rule_count(1, 1, local_detector=False)["KUBE-SVC"] == 1


@pytest.mark.parametrize("kw", [
    dict(port=65535), dict(port=1), dict(sticky_seconds=1, session_affinity=True),
    dict(sticky_seconds=86400, session_affinity=True), dict(node_port=1), dict(node_port=65535),
])
def test_service_port_rules_accepts_range_ends(kw):
    r = K.service_port_rules(["10.0.0.1:65535", "255.255.255.255:1"], **kw)
    assert r.nat and not r.filter


@pytest.mark.parametrize("kw, frag", [
    (dict(port=0), "port"), (dict(port=65536), "port"), (dict(sticky_seconds=0), "timeoutSeconds"),
    (dict(sticky_seconds=86401), "timeoutSeconds"), (dict(node_port=0), "nodePort"), (dict(node_port=65536), "nodePort"),
    (dict(port=True), "port"), (dict(session_affinity=1), "session_affinity"), (dict(masquerade_all=None), "masquerade_all"),
])
def test_service_port_rules_rejects(kw, frag):
    with pytest.raises(ValueError, match=frag):
        K.service_port_rules(["10.0.0.1:80"], **kw)


@pytest.mark.parametrize("ep", ["10.0.0.1:65536", "10.0.0.256:80", "256.0.0.1:80", "10.0.0.1", "10.0.0.1:80:1", 5])
def test_bad_endpoint_strings(ep):
    with pytest.raises(ValueError, match="endpoints"):
        K.service_port_rules([ep])


def test_sep_rules_use_the_pod_ip_and_the_full_endpoint():
    r = K.service_port_rules(["10.244.7.9:8443"], "default", "web", "https")
    spn = "default/web:https"
    sep = K.sep_chain_name(spn, "10.244.7.9:8443")
    assert f"-A {sep} -m comment --comment {spn} -s 10.244.7.9 -j KUBE-MARK-MASQ" in r.nat
    assert f"-A {sep} -m comment --comment {spn} -m tcp -p tcp -j DNAT --to-destination 10.244.7.9:8443" in r.nat


def test_results_are_frozen():
    r = K.service_port_rules(EPS3)
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.nat = ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        K.iptables_rules_per_service(2).svc_chain = 0


def test_counting_boundaries():
    assert K.iptables_rules_per_service(10_000).sep_chains == 20_000   # the model's upper bound is accepted
    with pytest.raises(ValueError, match="endpoints"):
        K.iptables_rules_per_service(10_001)
    # one Service, one endpoint: position 1, masquerade rule, (1+1)/2 LB rules, 2 SEP rules
    assert K.first_packet_rules(1, 1) == 1 + 1 + 1 + 2
    assert K.first_packet_rules(1, 1, position=1) == 5
    for bad in (dict(services=0, endpoints=1), dict(services=1, endpoints=0)):
        with pytest.raises(ValueError):
            K.first_packet_rules(**bad)
    assert K.ipvs_objects(0, 0) == {"virtual_servers": 0, "real_servers": 0}


def test_iptables_save_sample_defaults_and_names():
    lines = K.iptables_save_sample()
    assert len(lines) == 3 * 3 + 2 and lines[0].startswith('-A KUBE-SERVICES -m comment --comment "default/web:http cluster IP"')
    assert "-d 10.96.0.10 --dport 80 -j KUBE-SVC-" in lines[0]
    lines = K.iptables_save_sample(1, "kube-system/dns:dns-tcp", port=53)
    assert lines[0] == ('-A KUBE-SERVICES -m comment --comment "kube-system/dns:dns-tcp cluster IP" -m tcp -p tcp '
                        f"-d 10.96.0.10 --dport 53 -j {K.svc_chain_name('kube-system/dns:dns-tcp')}")
    lines = K.iptables_save_sample(2, "ns1/svc1")
    assert '"ns1/svc1 cluster IP"' in lines[0] and K.svc_chain_name("ns1/svc1") in lines[0]
    assert len(K.iptables_save_sample(20)) == 62 and len(K.iptables_save_sample(1)) == 5
    for n in (0, 21):
        with pytest.raises(ValueError, match="endpoints"):
            K.iptables_save_sample(n)
