"""The book's figures in headless Chromium, offline, at 1400 px and 390 px.

Each figure is built the way its notebook builds it, passed through the book renderer's text
fitting (``hakit.figures._fit.fit_text``), written to a standalone HTML page that loads plotly.js
from the installed plotly package (a local file) and holds the figure as the book's CSS does (at
least ``FIGURE_MIN_WIDTH`` px, scrolling sideways in its own box), and opened with every request
outside file:// and 127.0.0.1 aborted. For every state of every menu and slider the test reads the
bounding boxes of the SVG text elements and fails when two labels overlap, a label leaves the
figure or the page scrolls sideways. It also fails on console errors. Screenshots go to _build/screenshots/figure-<name>-<width>.png (as first shown)
and figure-<name>-<width>-selected.png (a failure or a rollout step selected).
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import plotly
import plotly.io as pio
import pytest

from conftest import ROOT
from hakit.figures._fit import FIGURE_MIN_WIDTH, fit_text

pytestmark = pytest.mark.browser
SHOTS = ROOT / "_build" / "screenshots"
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
WIDTHS = (1400, 390)


def _figures() -> dict:
    """Name -> a function that builds the figure as its notebook does."""
    from hakit.figures import topology as FT
    from hakit.figures.workloads import ownership_figure, policy_failure_figure
    from hakit.models import topology as T

    def host_choices(g):  # as book/n2/n2_5_stacked_external.ipynb
        hosts = [n for n, d in g.nodes(data=True) if d["kind"] == "host"]
        pairs = [("两台控制平面主机同时故障", ["host-cp1", "host-cp2"])]
        if "host-etcd1" in g:
            pairs.append(("两台 etcd 主机同时故障", ["host-etcd1", "host-etcd2"]))
        return [("无故障", [])] + [(T.label_of(g, h) + " 故障", [h]) for h in hosts] + pairs

    stacked, external = T.k8s_ha_cluster("stacked"), T.k8s_ha_cluster("external")
    policies = {  # as book/n3/n3_1_failure_points.ipynb
        "无约束 (none)": T.failure_points(3, "none"),
        "反亲和 required，按节点 hostname": T.failure_points(3, "required", topology_key=T.HOSTNAME),
        "反亲和 required，按物理机（自定义标签）": T.failure_points(3, "required", topology_key=T.PHYSICAL_HOST),
        "反亲和 required，按 zone": T.failure_points(3, "required", topology_key=T.ZONE),
        "topologySpreadConstraints，按 zone": T.failure_points(3, "spread", topology_key=T.ZONE),
    }
    failures = [("无故障", []), ("Pod app-0", ["app-0"]), ("节点 A-host1-vm1", ["A-host1-vm1"]),
                ("物理机 A-host1", ["A-host1"]), ("集群控制平面", ["control-plane"]),
                ("数据中心 B", ["B"]), ("数据中心 A", ["A"]), ("存储", ["storage"])]
    platform_choices = [("无故障", []), ("Worker 节点 1", ["worker1"]), ("Worker 节点 1 + 2", ["worker1", "worker2"]),
                        ("控制平面节点 1", ["cp1"]), ("平台 Pod platform-0", ["platform-0"])]
    return {
        "n1_2-platform": lambda: FT.failure_figure(T.platform_architecture(), title="容器云平台架构（原文 N.1.2 的图，重建）"),
        "n2_1-k8s-ha": lambda: FT.failure_figure(T.k8s_ha_cluster("external"), title="Kubernetes 高可用架构（原文 N.2.1 的图，重建）"),
        "n2_5-stacked": lambda: FT.failure_figure(stacked, choices=host_choices(stacked),
                                          title="堆叠 (stacked) etcd：etcd 成员与控制平面在同一节点"),
        "n2_5-external": lambda: FT.failure_figure(external, choices=host_choices(external),
                                           title="外部 (external) etcd：etcd 成员在独立主机上"),
        "n3_1-failure-points": lambda: policy_failure_figure(policies, failures,
                                                     title="Kubernetes 中的潜在故障点（原文 N.3.1 的图，重建）"),
        "n3_2_1-ownership": lambda: ownership_figure(4),
        "n3_2_5-clusterip": lambda: FT.failure_figure(T.clusterip_iptables(),
                                              title="ClusterIP Service 经 iptables 转发（原文 N.3.2.5 的图，重建）"),
        "n4_1-platform-ha": lambda: FT.failure_figure(T.platform_ha(3, "required"), choices=platform_choices,
                                              title="容器云平台高可用（原文 N.4.1 的图，重建）"),
        "n4_2-harbor-ha": lambda: FT.failure_figure(T.harbor_ha(), title="镜像仓库 Harbor 高可用（原文 N.4.2 的图，重建）"),
    }


def _charts() -> dict:
    """Name -> builder for the book's chart figures (as their notebooks call them)."""
    from hakit.figures import availability as FA, failover as FF, hpa as FH, kubeproxy as FK
    from hakit.figures import leaderelection as FL, probes as FP, quorum as FQ, raft as FRa
    from hakit.figures import rollout as FR, sentinel as FSe, service as FS
    from hakit.models import rollout as R

    return {
        "n1_1-composition": FA.composition_figure, "n1_1-nines": FA.nines_figure, "n1_1-outage": FF.outage_figure,
        "n2_3-quorum": FQ.quorum_figure, "n2_3-raft": FRa.raft_scenarios_figure, "n2_4-lease": FL.lease_slider_figure,
        "n3_2_2-hpa": FH.hpa_window_slider_figure, "n3_2_3-rollout": FR.rollout_slider_figure,
        "n3_2_3-rollout-bad": lambda: FR.rollout_slider_figure(bad_image=True),
        "n3_2_3-undo": lambda: FR.rollout_figure(R.simulate(10, "25%", "25%", new_version_ready=False, rollback_at=700),
                                                 title="坏版本卡住 → ProgressDeadlineExceeded → t=700 s 执行 rollout undo"),
        "n3_2_4-probes": FP.probe_scenarios_figure, "n3_2_5-kube-svc": FS.kube_svc_figure,
        "n3_2_5-rule-growth": FK.rule_growth_figure, "n3_2_6-daemonset": FS.daemonset_update_figure,
        "n3_2_7-statefulset": FS.statefulset_figure, "n4_2-failover": FSe.failover_figure,
        "n4_2-two-master": FSe.two_master_figure,
    }


_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<script src="plotly.min.js"></script>
<style>body{{margin:0;font-family:sans-serif}} main{{max-width:820px;margin:0 auto;padding:0 16px}}</style>
</head><body><main><div style="overflow-x:auto"><div id="fig" style="min-width:{min_width}px"></div></div></main>
<script>
const fig = {fig};
window.figReady = Plotly.newPlot("fig", fig.data, fig.layout, {{responsive: true, displaylogo: false}});
</script></body></html>"""

# Every visible SVG text element of the figure: its text and bounding box.
_TEXTS = """() => {
  const gd = document.getElementById('fig');
  const out = [];
  for (const t of gd.querySelectorAll('svg text')) {
    const r = t.getBoundingClientRect();
    const s = getComputedStyle(t);
    if (!t.textContent.trim() || r.width === 0 || s.visibility === 'hidden' || s.display === 'none'
        || Number(s.opacity) === 0) continue;
    let hidden = false;
    for (let p = t; p && p !== gd; p = p.parentElement) {
      const ps = getComputedStyle(p);
      if (ps.display === 'none' || ps.visibility === 'hidden' || Number(ps.opacity) === 0) { hidden = true; break; }
    }
    if (!hidden) out.push({text: t.textContent, x0: r.left, y0: r.top, x1: r.right, y1: r.bottom});
  }
  const g = gd.getBoundingClientRect();
  return {texts: out, fig: {x0: g.left, y0: g.top, x1: g.right, y1: g.bottom}, vw: document.documentElement.clientWidth,
          sw: document.documentElement.scrollWidth};
}"""

# All states of the figure: [menu index, button index] for every button of every menu / slider step.
_STATES = """() => {
  const gd = document.getElementById('fig');
  const out = [];
  (gd.layout.updatemenus || []).forEach((m, i) => m.buttons.forEach((b, j) => out.push(['menu', i, j])));
  (gd.layout.sliders || []).forEach((s, i) => s.steps.forEach((b, j) => out.push(['slider', i, j])));
  return out;
}"""

_APPLY = """async ([kind, i, j]) => {
  const gd = document.getElementById('fig');
  const b = kind === 'menu' ? gd.layout.updatemenus[i].buttons[j] : gd.layout.sliders[i].steps[j];
  await Plotly[b.method](gd, ...b.args);
  if (kind === 'menu') await Plotly.relayout(gd, {[`updatemenus[${i}].active`]: j});
  else await Plotly.relayout(gd, {[`sliders[${i}].active`]: j});
}"""


def overlaps(texts: list[dict], tol: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of labels whose bounding boxes intersect by more than ``tol`` px in both directions."""
    out = []
    for a_i, a in enumerate(texts):
        for b in texts[a_i + 1:]:
            if min(a["x1"], b["x1"]) - max(a["x0"], b["x0"]) > tol and min(a["y1"], b["y1"]) - max(a["y0"], b["y0"]) > tol:
                out.append((a["text"], b["text"]))
    return out


def test_overlap_detector_can_fail():
    a = {"text": "a", "x0": 0, "y0": 0, "x1": 10, "y1": 10}
    assert overlaps([a, dict(a, text="b", x0=5, x1=15)]) == [("a", "b")]
    assert overlaps([a, dict(a, text="b", x0=10, x1=20)]) == []


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict:
    d = tmp_path_factory.mktemp("figures")
    (d / "plotly.min.js").write_bytes(PLOTLY_JS.read_bytes())
    out = {}
    for name, make in {**_figures(), **_charts()}.items():
        p = d / f"{name}.html"
        fig = pio.to_json(fit_text(make().to_dict()), validate=False)
        p.write_text(_PAGE.format(fig=fig, min_width=FIGURE_MIN_WIDTH), encoding="utf-8")
        out[name] = p
    return out


def _route(route) -> None:
    url = route.request.url
    if url.startswith(("file:", "data:")) or urlparse(url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()


def _problems(info: dict, state) -> list[str]:
    bad = [f"{state}: 标签重叠 {a!r} / {b!r}" for a, b in overlaps(info["texts"])]
    f = info["fig"]
    for t in info["texts"]:
        if t["x0"] < f["x0"] - 1 or t["x1"] > f["x1"] + 1:
            bad.append(f"{state}: 标签超出图宽 {t['text']!r}")
    if info["sw"] > info["vw"] + 1:
        bad.append(f"{state}: 页面横向溢出 {info['sw']} > {info['vw']}")
    return bad


@pytest.mark.parametrize("width", WIDTHS)
def test_figures_render_without_overlap(browser, pages, width):
    SHOTS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", device_scale_factor=1)
    ctx.route("**/*", _route)
    problems: list[str] = []
    try:
        for name, path in pages.items():
            page = ctx.new_page()
            page.on("console", lambda m, n=name: m.type == "error" and problems.append(f"{n}: console: {m.text}"))
            page.on("pageerror", lambda e, n=name: problems.append(f"{n}: pageerror: {e}"))
            page.goto(path.as_uri(), wait_until="load")
            page.evaluate("() => window.figReady")
            page.wait_for_timeout(150)
            states = page.evaluate(_STATES)
            problems += [f"{name}@{width}: {p}" for p in _problems(page.evaluate(_TEXTS), "初始")]
            page.locator("#fig").screenshot(path=str(SHOTS / f"figure-{name}-{width}.png"))
            for st in states:
                page.evaluate(_APPLY, st)
                problems += [f"{name}@{width}: {p}" for p in _problems(page.evaluate(_TEXTS), json.dumps(st))]
            # one more picture with something selected: the second option of the last menu (a failure), or step 3
            if states:
                pick = [st for st in states if st[0] == states[-1][0] and st[1] == states[-1][1]]
                page.evaluate(_APPLY, pick[min(len(pick) - 1, 1 if pick[0][0] == "menu" else 3)])
                page.locator("#fig").screenshot(path=str(SHOTS / f"figure-{name}-{width}-selected.png"))
            page.close()
    finally:
        ctx.close()
    assert not problems, "\n".join(problems[:40])


def test_dropdown_works_by_mouse(browser, pages):
    """A real click on the dropdown changes the drawn boxes: interactive with no kernel."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    ctx.route("**/*", _route)
    try:
        page = ctx.new_page()
        page.goto(pages["n2_1-k8s-ha"].as_uri(), wait_until="load")
        page.evaluate("() => window.figReady")
        before = page.evaluate("() => JSON.stringify(document.getElementById('fig').data.map(t => t.x))")
        page.locator(".updatemenu-header").first.click()
        page.locator(".updatemenu-dropdown-button").nth(3).click()
        page.wait_for_timeout(200)
        after = page.evaluate("() => JSON.stringify(document.getElementById('fig').data.map(t => t.x))")
        assert before != after
        page.locator("#fig").screenshot(path=str(SHOTS / "figure-n2_1-k8s-ha-1400-clicked.png"))
    finally:
        ctx.close()
