"""弹性伸缩 (HPA) 图：负载、副本数与每 Pod 指标随时间的变化，对比有无缩容稳定窗口。

数据全部来自 :func:`hakit.models.hpa.simulate`。静态书页用的 :func:`hpa_window_slider_figure`
把几个 ``behavior.scaleDown.stabilizationWindowSeconds`` 预先算好，滑块步骤用 ``method: "update"``。
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Optional, Sequence

from hakit.figures._fast import figure as _figure
from hakit.models import hpa as H

if TYPE_CHECKING:
    import plotly.graph_objects as go

__all__ = ["hpa_figure", "hpa_window_slider_figure", "WINDOW_GRID"]

#: 静态滑块上的 scaleDown 稳定窗口（秒）。
WINDOW_GRID: tuple[int, ...] = (0, 30, 60, 120, 300)

_MAIN, _REF = "#1565c0", "#ef6c00"


def _xy(run: H.HPARun) -> tuple[list, list, list, list]:
    """Times, replicas in effect after each sync (held until the next one), metric seen, demand."""
    xs = [s.time for s in run.steps]
    reps = [s.desired for s in run.steps]
    metric = [round(s.metric, 3) for s in run.steps]
    demand = [s.demand for s in run.steps]
    return xs, reps, metric, demand


def _caption(run: H.HPARun, label: str) -> str:
    w = run.scale_down_window
    return (f"{label}（scaleDown 稳定窗口 {w} s）：扩缩容 {run.scale_events} 次，"
            f"方向反转 {run.direction_changes} 次")


def _check(run: object, name: str) -> H.HPARun:
    if not isinstance(run, H.HPARun) or not run.steps:
        raise ValueError(f"{name}: Invalid value: 必须是 hakit.models.hpa.simulate() 的结果")
    return run


_DOMAINS = ((0.78, 1.0), (0.36, 0.72), (0.0, 0.30))
_SUBTITLES = ("总负载（所有 Pod 的指标之和）", "副本数 replicas", "每 Pod 指标与目标值")
_CAPTION_Y = 1.075


def _base_layout(title: str, x_end: float) -> dict:
    """Three stacked rows sharing the time axis (built by hand: make_subplots is too slow for a
    live widget)."""
    layout = dict(height=640, title=dict(text=title, x=0.5),
                  legend=dict(orientation="h", y=-0.16, yanchor="top", x=0),  # below the time axis title
                  margin=dict(t=150, b=140), annotations=[])
    for i, (dom, sub) in enumerate(zip(_DOMAINS, _SUBTITLES), start=1):
        sfx = "" if i == 1 else str(i)
        layout[f"xaxis{sfx}"] = dict(anchor=f"y{sfx}", domain=[0, 1], range=[0, x_end],
                                     showticklabels=(i == 3), **({"matches": "x3"} if i < 3 else {}))
        layout[f"yaxis{sfx}"] = dict(anchor=f"x{sfx}", domain=list(dom), rangemode="tozero",
                                     ticklabelstandoff=6)  # the "0"s apart at the origin
        layout["annotations"].append(dict(text=sub, x=0.5, y=dom[1], xref="paper", yref="paper",
                                          xanchor="center", yanchor="bottom", showarrow=False,
                                          font=dict(size=14)))
    layout["xaxis3"]["title"] = dict(text="时间（秒）")
    return layout


def _demand_trace(run: H.HPARun) -> dict:
    xs, _, _, demand = _xy(run)
    return dict(type="scatter", x=xs, y=demand, name="总负载", mode="lines", xaxis="x", yaxis="y",
                line=dict(color="#616161", shape="hv"), hovertemplate="t=%{x}s：%{y}<extra>总负载</extra>")


def _run_traces(run: H.HPARun, label: str, color: str, dash: Optional[str] = None) -> list[dict]:
    xs, reps, metric, _ = _xy(run)
    return [
        dict(type="scatter", x=xs, y=reps, name=f"副本数：{label}", mode="lines", xaxis="x2", yaxis="y2",
             line=dict(color=color, shape="hv", width=2.5, dash=dash),
             hovertemplate="t=%{x}s：%{y} 个副本<extra>" + label + "</extra>"),
        dict(type="scatter", x=xs, y=metric, name=f"每 Pod 指标：{label}", mode="lines", xaxis="x3", yaxis="y3",
             line=dict(color=color, width=1.5, dash=dash),
             hovertemplate="t=%{x}s：%{y}<extra>" + label + "</extra>"),
    ]


def _caption_annotation(text: str) -> dict:
    return dict(text=text, x=0, y=_CAPTION_Y, xref="paper", yref="paper", xanchor="left", yanchor="bottom",
                showarrow=False, align="left", font=dict(size=12))


def _target_shapes(run: H.HPARun, x_end: float) -> list[dict]:
    t, tol = run.target_value, run.tolerances
    return [
        dict(type="rect", xref="x3", yref="y3", x0=0, x1=x_end, y0=t * (1 - tol.scale_down),
             y1=t * (1 + tol.scale_up),
             fillcolor="rgba(46,125,50,0.12)", line=dict(width=0)),
        dict(type="line", xref="x3", yref="y3", x0=0, x1=x_end, y0=t, y1=t, line=dict(color="#2e7d32", dash="dash")),
        dict(type="line", xref="x2", yref="y2", x0=0, x1=x_end, y0=run.max_replicas, y1=run.max_replicas,
             line=dict(color="#9e9e9e", dash="dot")),
        dict(type="line", xref="x2", yref="y2", x0=0, x1=x_end, y0=run.min_replicas, y1=run.min_replicas,
             line=dict(color="#9e9e9e", dash="dot")),
    ]


def hpa_figure(run: H.HPARun, compare: Optional[H.HPARun] = None,
               labels: Sequence[str] = ("默认 behavior", "对比"),
               title: str = "HPA：负载、副本数与每 Pod 指标") -> go.Figure:
    """Load, replicas and per-pod metric over time for one run, optionally against a second
    run (e.g. ``scaleDown.stabilizationWindowSeconds = 0``) drawn dashed in orange. The green band
    is the tolerance interval ``target × [1 − scaleDown, 1 + scaleUp]`` (``HPARun.tolerances``), the dotted lines minReplicas / maxReplicas."""
    run = _check(run, "run")
    x_end = run.steps[-1].time
    layout = _base_layout(title, x_end)
    data = [_demand_trace(run)] + _run_traces(run, labels[0], _MAIN)
    captions = [_caption(run, labels[0])]
    if compare is not None:
        compare = _check(compare, "compare")
        data += _run_traces(compare, labels[1], _REF, "dash")
        captions.append(_caption(compare, labels[1]))
    layout["shapes"] = _target_shapes(run, x_end)
    layout["annotations"].append(_caption_annotation("<br>".join(captions)))
    return _figure(data, layout)


def hpa_window_slider_figure(load: Optional[Sequence[float]] = None, windows: Sequence[int] = WINDOW_GRID,
                             target_value: float = 50.0, min_replicas: int = 1, max_replicas: int = 10,
                             tolerance: float = H.DEFAULT_TOLERANCE) -> go.Figure:
    """Static-book figure: a slider over ``behavior.scaleDown.stabilizationWindowSeconds``
    (precomputed, ``method: "update"``); the window-0 run stays as an orange dashed reference so
    the thrashing it removes is visible. ``load`` defaults to :func:`hakit.models.hpa.bursty_load`."""
    if not windows:
        raise ValueError("windows: Required value: 至少需要一个稳定窗口")
    load = list(load) if load is not None else H.bursty_load()
    common = dict(target_value=target_value, min_replicas=min_replicas, max_replicas=max_replicas,
                  tolerance=tolerance)
    runs = [H.simulate(load, behavior=H.behavior(scale_down_window=w), **common) for w in windows]
    ref = H.simulate(load, behavior=H.behavior(scale_down_window=0), **common)
    active = list(windows).index(300) if 300 in windows else len(windows) - 1
    x_end = runs[0].steps[-1].time
    layout = _base_layout("HPA：缩容稳定窗口如何消除来回伸缩（thrashing）", x_end)
    data = [_demand_trace(runs[active])] + _run_traces(runs[active], "所选窗口", _MAIN) \
        + _run_traces(ref, "窗口 0 s（对照）", _REF, "dash")
    base_annotations = list(layout["annotations"])

    def annotations(run: H.HPARun) -> list[dict]:
        text = _caption(run, "所选窗口") + "<br>" + _caption(ref, "对照")
        return base_annotations + [_caption_annotation(text)]

    steps = []
    for w, run in zip(windows, runs):
        xs, reps, metric, _ = _xy(run)
        steps.append(dict(method="update", label=f"{w} s",
                          args=[{"x": [xs, xs], "y": [reps, metric]}, {"annotations": annotations(run)}, [1, 2]]))
    layout.update(shapes=_target_shapes(runs[0], x_end), annotations=annotations(runs[active]), height=760,
                  margin=dict(t=150, b=260),  # legend (up to 3 rows on a phone), then the slider
                  sliders=[dict(steps=steps, active=active, y=-0.35, yanchor="top", pad=dict(t=10),
                                currentvalue=dict(prefix="scaleDown.stabilizationWindowSeconds："))])
    return _figure(data, layout)
