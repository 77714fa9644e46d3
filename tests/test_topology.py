"""Tests for hakit.models.topology (failure propagation, scheduler semantics, builders), its figure and widget."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hakit.models import topology as T
from hakit.models.quorum import has_quorum


def test_stacked_vs_external():
    g = T.k8s_ha_cluster("stacked")
    one = T.impact(g, ["cp1"])
    assert one.lost_members == ["etcd-1"] and one.etcd["etcd"] == (2, 3, True)
    assert one.services["kube-apiserver"] == (2, 3, True) and one.ok
    assert "etcd" in one.affected and "kube-apiserver" in one.affected
    two = T.impact(g, ["cp1", "cp2"])
    assert two.etcd["etcd"] == (1, 3, False)
    assert two.services["kube-apiserver"][2] is False  # stacked: apiserver-3 needs etcd quorum
    assert "lb" in two.down and not two.ok
    ext = T.impact(T.k8s_ha_cluster("external"), ["cp1", "cp2"])
    assert ext.etcd["etcd"] == (3, 3, True)
    assert ext.services["kube-apiserver"] == (1, 3, True) and ext.ok
    ext_etcd = T.impact(T.k8s_ha_cluster("external"), ["etcd-node1", "etcd-node2"])
    assert not ext_etcd.ok and ext_etcd.lost_members == ["etcd-1", "etcd-2"]


def test_load_balancer_single_point():
    single = T.k8s_ha_cluster("stacked")
    im = T.impact(single, ["host-lb"])
    assert "lb" in im.down and all(im.status(f"worker{i}") == "affected" for i in (1, 2, 3))
    pair = T.k8s_ha_cluster("stacked", load_balancers=2)
    im = T.impact(pair, ["host-lb1"])
    assert "lb" not in im.down and im.status("lb") == "affected" and im.services["lb"] == (1, 2, True)
    with pytest.raises(ValueError, match="load_balancers"):
        T.k8s_ha_cluster(load_balancers=0)


def test_datacenter_loss_and_soft_dependencies():
    g = T.k8s_ha_cluster("stacked", datacenters=3)
    assert T.impact(g, ["A"]).etcd["etcd"][2] is True  # cp1..cp3 spread over A, B, C
    g1 = T.k8s_ha_cluster("stacked", datacenters=1)
    im = T.impact(g1, ["A"])
    assert im.down == frozenset(g1.nodes)  # everything runs in A
    p = T.platform_architecture()
    im = T.impact(p, ["harbor-1", "harbor-2"])
    assert im.services["harbor"] == (0, 2, False)
    assert im.services["app1"][2] is True and "app1-1" in im.affected  # running pods keep running
    assert T.impact(p, ["nfs"]).services["harbor"][2] is False


def test_impact_statuses_and_summary():
    g = T.k8s_ha_cluster("stacked")
    im = T.impact(g, ["cp1"])
    assert im.status("cp1") == "failed" and im.status("apiserver-1") == "down"
    assert im.status("etcd") == "affected" and im.status("worker1") == "ok"
    text = im.summary()
    assert "etcd-1" in text and "保有法定人数" in text
    assert T.impact(g, []).summary().startswith("无故障")
    assert T.impact(g, "cp1").failed == frozenset({"cp1"})
    with pytest.raises(ValueError, match="没有这个节点"):
        T.impact(g, ["nope"])


def _workers(n_zones=2, hosts=2, nodes=2):
    g = T.new_graph()
    for z in "AB"[:n_zones]:
        T.add(g, z, "datacenter")
        for h in range(hosts):
            hid = T.add(g, f"{z}h{h}", "host", on=z)
            for k in range(nodes):
                T.add(g, f"{hid}n{k}", "node", on=hid)
    return g


def test_schedule_policies():
    g = T.k8s_ha_cluster("stacked", workers=3)
    req = T.schedule(g, "web", 4, "required")
    assert req.pending == ["web-3"] and sorted(req.counts(g).values()) == [1, 1, 1]
    assert T.schedule(g, "web", 4, "preferred").pending == []
    none = T.schedule(g, "web", 3, "none")
    assert set(none.assignments.values()) == {"worker1"}  # may be packed onto one node
    sp = T.schedule(g, "web", 5, "spread", max_skew=1)
    c = sp.counts(g)
    assert max(c.values()) - min(c.values()) <= 1 and not sp.pending
    # control-plane nodes are never used (NoSchedule taint)
    assert not any(n.startswith("cp") for n in sp.assignments.values())


def test_zone_spread_and_anti_affinity():
    g = _workers()
    z = T.schedule(g, "web", 5, "spread", topology_key=T.ZONE)
    assert z.counts(g) == {"A": 3, "B": 2}
    r = T.schedule(g, "web", 3, "required", topology_key=T.ZONE)
    assert r.pending == ["web-2"] and r.counts(g) == {"A": 1, "B": 1}
    ph = T.schedule(g, "web", 5, "required", topology_key=T.PHYSICAL_HOST)
    assert len(ph.pending) == 1 and set(ph.counts(g, T.PHYSICAL_HOST).values()) == {1}
    assert T.node_labels(g, "Ah0n0") == {T.HOSTNAME: "Ah0n0", T.ZONE: "A", T.PHYSICAL_HOST: "Ah0"}


def test_spread_do_not_schedule_vs_schedule_anyway():
    g = T.new_graph()
    T.add(g, "A", "datacenter")
    T.add(g, "B", "datacenter")
    T.add(g, "a1", "node", on="A", max_pods=1)
    for i in range(3):
        T.add(g, f"b{i}", "node", on="B")
    dns = T.schedule(g, "web", 4, "spread", topology_key=T.ZONE, max_skew=1, when_unsatisfiable="DoNotSchedule")
    assert dns.counts(g) == {"A": 1, "B": 2} and dns.pending == ["web-3"]
    anyway = T.schedule(g, "web", 4, "spread", topology_key=T.ZONE, when_unsatisfiable="ScheduleAnyway")
    assert anyway.pending == [] and anyway.counts(g) == {"A": 1, "B": 3}
    assert T.schedule(g, "web", 4, "spread", topology_key=T.ZONE, max_skew=2).pending == []


def test_add_deployment_and_pending_pods():
    g = T.add_deployment(T.k8s_ha_cluster("stacked", workers=2), "web", 3, "required")
    assert g.nodes["web-2"]["phase"] == "Pending"
    im = T.impact(g, [])
    assert im.services["web"] == (2, 3, True) and "web-2" in im.pending and "web" in im.affected
    im = T.impact(g, ["worker1"])
    assert im.lost_pods == ["web-0"] and im.services["web"] == (1, 3, True)
    packed = T.add_deployment(T.k8s_ha_cluster("stacked", workers=2), "web", 3, "none")
    assert T.impact(packed, ["worker1"]).services["web"] == (0, 3, False)


@pytest.mark.parametrize("kw, match", [
    (dict(policy="random"), "policy"),
    (dict(max_skew=0), "maxSkew"),
    (dict(when_unsatisfiable="Never"), "whenUnsatisfiable"),
    (dict(replicas=-1), "spec.replicas"),
    (dict(topology_key=""), "topologyKey"),
])
def test_schedule_validation(kw, match):
    args = dict(replicas=3, policy="spread")
    args.update(kw)
    with pytest.raises(ValueError, match=match):
        T.schedule(T.k8s_ha_cluster(), "web", **args)


def test_affinity_spec():
    spec = T.affinity_spec("web", "required", T.ZONE)
    term = spec["affinity"]["podAntiAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"][0]
    assert term["topologyKey"] == T.ZONE and term["labelSelector"] == {"matchLabels": {"app": "web"}}
    tsc = T.affinity_spec("web", "spread", max_skew=2)["topologySpreadConstraints"][0]
    assert tsc["maxSkew"] == 2 and tsc["whenUnsatisfiable"] == "DoNotSchedule"
    assert T.affinity_spec("web", "none") == {}


def test_etcd_datacenters():
    assert T.etcd_dc_loss({"A": 2, "B": 1}) == {"A": False, "B": True}
    assert T.etcd_dc_loss({"A": 2, "B": 2, "C": 1}) == {"A": True, "B": True, "C": True}
    assert T.etcd_dc_loss({"A": 3, "B": 3}) == {"A": False, "B": False}
    for n in range(1, 8):  # two data centers: one of them always holds a majority
        assert not any(r["any_dc"] for r in T.etcd_placements(n, 2))
    good = [r["split"] for r in T.etcd_placements(5, 3) if r["any_dc"]]
    assert good == [(2, 2, 1)]
    assert [r["split"] for r in T.etcd_placements(3, 3) if r["any_dc"]] == [(1, 1, 1)]
    g = T.etcd_across_datacenters({"A": 2, "B": 2, "C": 1})
    assert all(T.impact(g, [dc]).etcd["etcd"][2] for dc in "ABC")
    with pytest.raises(ValueError):
        T.etcd_dc_loss({"A": -1})


def test_builders_are_valid_and_healthy():
    for g in (T.k8s_ha_cluster("stacked"), T.k8s_ha_cluster("external", datacenters=3), T.platform_architecture(),
              T.failure_points(), T.platform_ha(), T.harbor_ha()):
        T.validate(g)
        im = T.impact(g, [])
        assert im.ok and not im.down, g.graph["name"]
    with pytest.raises(ValueError, match="stacked"):
        T.k8s_ha_cluster("stacked", control_planes=3, etcd_members=5)
    with pytest.raises(ValueError):
        T.k8s_ha_cluster("mixed")


_G = T.add_deployment(T.k8s_ha_cluster("stacked", datacenters=2), "web", 4, "spread")
_NODES = sorted(_G.nodes)


@settings(max_examples=50, deadline=None)
@given(st.sets(st.sampled_from(_NODES), max_size=6), st.sets(st.sampled_from(_NODES), max_size=4))
def test_impact_monotone(a, extra):
    small, big = T.impact(_G, a), T.impact(_G, a | extra)
    assert small.down <= big.down
    for s, (ready, total, ok) in small.services.items():
        assert big.services[s][0] <= ready
        assert ok or not big.services[s][2]
    for c, (alive, members, q) in small.etcd.items():
        assert big.etcd[c][0] <= alive and q == has_quorum(members, alive)


def _boxes_by_status(fig, frame: int) -> dict:
    """status -> set of rectangles (x0, y0, x1, y1) drawn in menu state ``frame``."""
    menu = fig.layout.updatemenus[0] if fig.layout.updatemenus else None
    step = menu.buttons[frame] if menu else fig.layout.sliders[0].steps[frame]
    upd, idx = step.args
    out: dict = {}
    for j, k in enumerate(idx):
        meta = fig.data[k].meta
        if not meta or "status" not in meta:
            continue
        xs, ys = upd["x"][j], upd["y"][j]
        for i in range(0, len(xs), 6):
            out.setdefault(meta["status"], set()).add((xs[i], ys[i], xs[i + 2], ys[i + 2]))
    return out


def _impact_trace(fig, frame: int) -> list:
    step = fig.layout.updatemenus[0].buttons[frame]
    upd, idx = step.args
    j = next(j for j, k in enumerate(idx) if (fig.data[k].meta or {}).get("role") == "impact")
    return upd["x"][j]


def test_failure_figure_colours_come_from_impact():
    from hakit.figures.topology import box_layout, failure_figure

    g = T.k8s_ha_cluster("stacked")
    f = failure_figure(g, choices=["cp1", ["cp1", "cp2"], ("数据中心 A 断电", ["A"]), ("无故障", [])])
    buttons = f.layout.updatemenus[0].buttons
    assert [b.label for b in buttons] == ["控制平面节点 cp1 故障", "控制平面节点 cp1、控制平面节点 cp2 故障",
                                          "数据中心 A 断电", "无故障"]
    assert all(b.method == "restyle" for b in buttons)
    boxes, _ = box_layout(g)
    rect = lambda n: (boxes[n].x0, boxes[n].y0, boxes[n].x1, boxes[n].y1)  # noqa: E731
    two = _boxes_by_status(f, 1)
    assert rect("cp1") in two["failed"] and rect("cp2") in two["failed"]
    assert rect("apiserver-3") in two["down"]           # etcd lost quorum: the third apiserver is down too
    assert rect("etcd-3") in two["ok"]                  # the member itself still runs
    assert rect("kube-apiserver") in two["down"] and rect("host-cp1") in two["ok"]
    one = _boxes_by_status(f, 0)
    assert rect("kube-apiserver") in one["affected"] and rect("apiserver-2") in one["ok"]
    assert set(_boxes_by_status(f, 2)) <= {"failed", "down", "ok"}
    assert rect("A") in _boxes_by_status(f, 2)["failed"]
    step = buttons[1].args[0]
    caption = next(t for t in step["text"] if t)
    assert "失去法定人数" in caption[0]
    # the impact path of the selected failure only: none without a failure, some after cp1 + cp2
    assert _impact_trace(f, 3) == [] and len(_impact_trace(f, 1)) > 0


def test_impact_path_skips_what_nesting_shows():
    from hakit.figures.topology import _impact_edges

    g = T.k8s_ha_cluster("stacked")
    # host-cp1 takes down cp1, apiserver-1 …: drawn as nesting; only member -> group arrows leave the box
    edges = _impact_edges(g, T.impact(g, ["host-cp1"]))
    assert edges and all(cause == "host-cp1" for cause, _ in edges)
    assert {e for _, e in edges} == {"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"}
    edges = _impact_edges(g, T.impact(g, ["host-cp1", "host-cp2"]))
    assert ("etcd", "apiserver-3") in edges             # outside the failed boxes: drawn as an arrow
    assert _impact_edges(g, T.impact(g, [])) == []


@pytest.mark.parametrize("make", [T.platform_architecture, lambda: T.k8s_ha_cluster("external"), T.harbor_ha,
                                  T.clusterip_iptables, T.platform_ha, lambda: T.failure_points(3, "required", T.ZONE),
                                  T.deployment_chain, lambda: T.etcd_across_datacenters({"A": 2, "B": 2, "C": 1})])
def test_boxes_nest_and_never_overlap(make):
    from hakit.figures.topology import WIDTH, box_layout, text_width

    g = make()
    boxes, height = box_layout(g)
    for u, v, r in g.edges(data="rel"):
        if r == "runs_on":
            a, b = boxes[u], boxes[v]
            assert b.x0 < a.x0 and a.x1 < b.x1 and b.y0 < a.y0 and a.y1 <= b.y1, (u, v)
    by_parent: dict = {}
    for n in g.nodes:
        on = next((v for _, v, r in g.out_edges(n, data="rel") if r == "runs_on"), None)
        by_parent.setdefault(on, []).append(boxes[n])
    for sib in by_parent.values():
        for i, a in enumerate(sib):
            for b in sib[i + 1:]:
                assert min(a.x1, b.x1) <= max(a.x0, b.x0) or min(a.y1, b.y1) <= max(a.y0, b.y0), (a.node, b.node)
    for b in boxes.values():
        assert 0 <= b.x0 < b.x1 <= WIDTH and b.y1 <= height
        assert text_width(b.label, 10) <= b.x1 - b.x0, b.label   # the label fits at the narrowest width
    pending = [n for n, d in g.nodes(data=True) if d.get("phase") == "Pending"]
    assert all(boxes[p].leaf for p in pending)


def test_wrap_breaks_at_width():
    from hakit.figures.topology import text_width, wrap

    lines = wrap("丢失 Pod：backend Pod 0、backend Pod 1、backend Pod 2、客户端 Pod", 150, 11)
    assert len(lines) > 1 and all(text_width(x, 11) <= 150 for x in lines)
    assert "".join(lines).replace(" ", "") == "丢失Pod：backendPod0、backendPod1、backendPod2、客户端Pod"
    assert wrap("短", 150, 11) == ["短"]


def test_failure_figure_bad_input_and_widgets():
    from hakit.figures.topology import default_choices, failure_figure
    from hakit.widgets.topology import TOPOLOGIES, placement_panel, render_placement, render_topology, topology_panel

    g = T.k8s_ha_cluster("stacked")
    assert len(default_choices(g)) > 10
    for make in TOPOLOGIES.values():
        assert len(failure_figure(make()).to_json()) < 600_000
    s = failure_figure(g, choices=["cp1", "cp2"], control="slider")
    assert len(s.layout.sliders[0].steps) == 2
    with pytest.raises(ValueError, match="没有这些节点"):
        failure_figure(g, choices=["nope"])
    with pytest.raises(ValueError, match="control"):
        failure_figure(g, control="wheel")
    with pytest.raises(ValueError, match="pos"):
        failure_figure(g, pos={})
    assert "Pending" in render_placement(9, "required").layout.annotations[0].text
    assert render_topology("Kubernetes 高可用（外部 etcd）", "cp1, cp2").layout.updatemenus[0].buttons[0].label
    with pytest.raises(ValueError, match="可用的节点"):
        render_topology("Kubernetes 高可用（堆叠 etcd）", "cpX")
    assert len(topology_panel().children) == 3 and len(placement_panel().children) == 3


def test_topology_imports_without_numpy():
    import subprocess
    import sys

    code = ("import sys; sys.modules['numpy'] = None; import hakit.models.topology as T, hakit.figures.topology as F, "
            "hakit.figures.workloads; F.failure_figure(T.k8s_ha_cluster('stacked')); print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr[-2000:]


@pytest.mark.parametrize("kind", ["stacked", "external"])
def test_controller_manager_and_scheduler_use_local_apiserver(kind):
    """kubeadm (PR #94398): controller-manager.conf / scheduler.conf point at the node-local apiserver."""
    g = T.k8s_ha_cluster(kind)
    for i in (1, 2, 3):
        for comp in ("controller-manager", "scheduler"):
            deps = {v for _, v, r in g.out_edges(f"{comp}-{i}", data="rel") if r == "depends_on"}
            assert deps == {f"apiserver-{i}"}
    im = T.impact(g, ["apiserver-2"])
    assert {"controller-manager-2", "scheduler-2"} <= im.down
    assert im.services["kube-controller-manager"] == (2, 3, True)
    lb = T.impact(g, ["host-lb"])  # the LB is a single point for kubelets and clients, not for KCM/scheduler
    assert lb.services["lb"] == (0, 1, False) and not lb.ok
    assert lb.services["kube-controller-manager"] == (3, 3, True)
    assert lb.services["kube-scheduler"] == (3, 3, True)


def test_lb_failure_same_in_both_topologies():
    a = T.impact(T.k8s_ha_cluster("stacked"), ["host-lb"])
    b = T.impact(T.k8s_ha_cluster("external"), ["host-lb"])
    assert a.services == b.services and a.ok == b.ok is False


def test_failure_points_topology_key():
    by_host = T.failure_points(3, "required")
    by_phys = T.failure_points(3, "required", topology_key=T.PHYSICAL_HOST)
    by_zone = T.failure_points(3, "required", topology_key=T.ZONE)
    assert by_host.nodes["app"]["placement"].topology_key == T.HOSTNAME
    phys = by_phys.nodes["app"]["placement"]
    assert sorted(phys.counts(by_phys).values()) == [1, 1, 1]
    assert by_zone.nodes["app"]["placement"].pending == ["app-2"]
    assert T.impact(by_phys, ["A-host1"]).services["app"] == (2, 3, True)
    assert not T.impact(by_zone, ["storage"]).services["app"][2]
    assert "app" in T.impact(by_zone, ["control-plane"]).affected
    with pytest.raises(ValueError, match="topologyKey"):
        T.failure_points(3, "required", topology_key=T.RACK)


def test_statuses_are_named_tuples_in_the_old_field_order():
    im = T.impact(T.k8s_ha_cluster("external"), ["cp1", "cp2"])
    assert im.services["kube-apiserver"] == (1, 3, True)
    assert im.services["kube-apiserver"].ready == 1 and im.services["kube-apiserver"].available
    assert im.etcd["etcd"] == (3, 3, True) and im.etcd["etcd"].quorum
    assert list(im.services) == ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "lb"]
