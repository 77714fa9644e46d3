"""故障域拓扑与放置策略面板（JupyterLab）：声明见 :mod:`hakit.panels.topology`。"""
from hakit.panels.topology import TOPOLOGIES, render_placement, render_topology
from hakit.widgets._common import build

__all__ = ["TOPOLOGIES", "render_topology", "topology_panel", "render_placement", "placement_panel"]


def topology_panel():
    """控件：拓扑、故障节点（逗号分隔）。"""
    return build("topology")


def placement_panel():
    """控件：replicas、策略、topologyKey、maxSkew、whenUnsatisfiable。"""
    return build("placement")
