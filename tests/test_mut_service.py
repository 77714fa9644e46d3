"""Pinning tests for hakit.models.service: EndpointSlice conditions (discovery.k8s.io/v1 EndpointConditions),
RFC 1123 / IPv4 / port validation, the kube-proxy KUBE-SVC chain, StatefulSet identity and ordering
(StatefulSet docs) and DaemonSet RollingUpdate batches."""
from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

from hakit.models import service as S


def _eps(n, ready=True):
    return S.endpoint_slice([(f"p{i}", f"10.0.0.{i + 1}", ready) for i in range(n)])


# --------------------------------------------------------------------------------------------- validation

@pytest.mark.parametrize("bad", [None, 5, ""])
def test_dns_label_required(bad):
    with pytest.raises(ValueError, match="Required value"):
        S.validate_dns_label(bad)


def test_dns_label_length_limit():
    assert S.validate_dns_label("a" * 63) == "a" * 63        # RFC 1123 label: at most 63 characters
    with pytest.raises(ValueError, match="Invalid value"):
        S.validate_dns_label("a" * 64)


@pytest.mark.parametrize("bad", [5, None, ""])
def test_cluster_domain_must_be_a_non_empty_string(bad):
    with pytest.raises(ValueError, match="clusterDomain"):
        S.service_fqdn("web", cluster_domain=bad)


@pytest.mark.parametrize("item", [["a", "10.0.0.1", True], ("a", "10.0.0.1", True, True), ("a", "10.0.0.1")])
def test_endpoint_tuple_shape(item):
    with pytest.raises(ValueError, match="endpoints\\[0\\]"):
        S.endpoint_slice([item])


def test_ipv4_octet_limit():
    assert S.endpoint_slice([("a", "255.255.255.255", True)])[0].address == "255.255.255.255"
    with pytest.raises(ValueError, match="IPv4"):
        S.endpoint_slice([("a", "10.0.0.256", True)])


@pytest.mark.parametrize("port", [1, 65535])
def test_service_port_range_ends_accepted(port):
    rules = S.kube_svc_rules(_eps(2), port=port)
    assert rules[0].target == S.chain_name("web", endpoint=f"10.0.0.1:{port}")


@pytest.mark.parametrize("port", [0, 65536, True, 80.0])
def test_service_port_out_of_range(port):
    with pytest.raises(ValueError, match="spec.ports"):
        S.kube_svc_rules(_eps(2), port=port)


# --------------------------------------------------------------------------------------------- endpoints

def test_endpoint_defaults_follow_endpoint_conditions():
    # EndpointConditions: an unset ready is interpreted as ready, unset serving as ready, unset terminating as false
    e = S.Endpoint("a", "10.0.0.1")
    assert e.ready is True and e.terminating is False and e.is_serving is True
    assert S.Endpoint("b", "10.0.0.2", ready=False).is_serving is False
    assert S.Endpoint("c", "10.0.0.3", ready=False, serving=True, terminating=True).is_serving is True
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.ready = False


def test_ready_addresses_default_excludes_not_ready():
    eps = S.endpoint_slice([("a", "10.0.0.1", True), ("b", "10.0.0.2", False)])
    assert [e.pod for e in S.ready_addresses(eps)] == ["a"]
    assert [e.pod for e in S.ready_addresses(eps, True)] == ["a", "b"]


def test_rule_is_frozen():
    r = S.kube_svc_rules(_eps(2))[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        r.probability = None


# --------------------------------------------------------------------------------------------- sampling

def test_sample_chain_defaults_and_counts():
    rules = S.kube_svc_rules(_eps(3))
    c = S.sample_chain(rules)
    assert sum(c.values()) == 10_000 and set(c) == {"p0", "p1", "p2"}
    assert c == S.sample_chain(rules, 10_000, 0)
    # every endpoint gets 1/3; binomial sd ~ 47 for 10000 trials
    assert all(abs(v - 10_000 / 3) < 300 for v in c.values())
    assert sum(S.sample_chain(rules, trials=1).values()) == 1


def test_sample_chain_trials_bounds():
    rules = S.kube_svc_rules(_eps(1))
    with pytest.raises(ValueError, match="trials"):
        S.sample_chain(rules, trials=0)
    with pytest.raises(ValueError, match="trials"):
        S.sample_chain(rules, trials=1_000_001)
    assert S.sample_chain(rules, trials=1_000_000) == {"p0": 1_000_000}


def test_endpoint_shares_reject_a_chain_without_a_guaranteed_match():
    rules = S.kube_svc_rules(_eps(3))
    broken = [dataclasses.replace(rules[-1], probability=Fraction(1, 2))]
    with pytest.raises(ValueError, match="probability=None"):
        S.endpoint_shares(broken)
    assert S.endpoint_shares([]) == {}


# --------------------------------------------------------------------------------------------- StatefulSet

def test_statefulset_pods_defaults():
    pods = S.statefulset_pods()
    assert [p.name for p in pods] == ["web-0", "web-1", "web-2"]
    assert pods[1].dns == "web-1.nginx.default.svc.cluster.local" and pods[1].pvcs == ("data-web-1",)
    assert all(p.ready is True for p in pods)
    with pytest.raises(dataclasses.FrozenInstanceError):
        pods[0].ip = "x"
    assert S.statefulset_pods(replicas=0) == []
    assert len(S.statefulset_pods(replicas=1000)) == 1000
    for bad in (-1, 1001):
        with pytest.raises(ValueError, match="spec.replicas"):
            S.statefulset_pods(replicas=bad)


def test_statefulset_order_bounds_and_defaults():
    assert S.statefulset_order(0) == []
    assert len(S.statefulset_order(1000, "Parallel")[0]) == 1000
    for bad in (-1, 1001):
        with pytest.raises(ValueError, match="spec.replicas"):
            S.statefulset_order(bad)
    # scale down to 0 by default: N-1 .. 0, one at a time
    assert S.statefulset_order(3, action="scale_down") == [["web-2"], ["web-1"], ["web-0"]]
    assert S.statefulset_order(3, action="scale_down", to=3) == []
    assert S.statefulset_order(3, "Parallel", action="scale_down", to=1) == [["web-2", "web-1"]]
    with pytest.raises(ValueError, match="to"):
        S.statefulset_order(3, action="scale_down", to=4)
    with pytest.raises(ValueError, match="to"):
        S.statefulset_order(3, action="scale_down", to=-1)


def test_delete_and_recreate_gets_a_fresh_identity_counter():
    pods = S.statefulset_pods(replicas=3)
    new = S.delete_and_recreate(pods, 0)
    # demo allocator: the 4th allocation (k = 3) is 10.244.0.5 and uid 3; name and PVC stay
    assert (new[0].name, new[0].pvcs, new[0].uid, new[0].ip) == ("web-0", ("data-web-0",), 3, "10.244.0.5")
    assert new[1:] == pods[1:]
    again = S.delete_and_recreate(new, 2)
    assert again[2].uid == 4 and again[2].ip == "10.244.0.6"


def test_statefulset_timeline_defaults():
    steps = S.statefulset_timeline()
    assert len(steps) == 3 + 2
    assert [len(pods) for _, pods in steps[:3]] == [1, 2, 3]
    assert [pods[-1].name for _, pods in steps[:3]] == ["web-0", "web-1", "web-2"]
    label, gone = steps[3]
    assert "web-1" in label
    assert [(p.name, p.ready, p.ip == "—") for p in gone] == [("web-0", True, False), ("web-1", False, True),
                                                              ("web-2", True, False)]
    label, back = steps[4]
    assert "web-1" in label and back[1].ready and back[1].uid == 3 and back[0] == steps[2][1][0]


def test_statefulset_timeline_delete_bounds():
    first = S.statefulset_timeline(replicas=2, delete=0)
    assert first[2][1][0].ready is False and first[2][1][1].ready is True
    last = S.statefulset_timeline(replicas=2, delete=1)
    assert last[2][1][1].ready is False
    for bad in (-1, 2):
        with pytest.raises(ValueError, match="delete"):
            S.statefulset_timeline(replicas=2, delete=bad)
    one = S.statefulset_timeline(replicas=1, delete=0)
    assert len(one) == 3 and len(one[0][1]) == 1


# --------------------------------------------------------------------------------------------- DaemonSet

def test_daemonset_batches_bounds():
    # RollingUpdate, maxSurge 0: at most maxUnavailable nodes at a time
    assert S.daemonset_update_batches(5, 2) == [[0, 1], [2, 3], [4]]
    assert S.daemonset_update_batches(1) == [[0]]
    assert len(S.daemonset_update_batches(1000)) == 1000
    for bad in (0, 1001):
        with pytest.raises(ValueError, match="nodes"):
            S.daemonset_update_batches(bad)
    with pytest.raises(ValueError, match="maxUnavailable"):
        S.daemonset_update_batches(3, 4)
