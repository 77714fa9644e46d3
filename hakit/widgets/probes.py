"""探针面板（JupyterLab）：声明见 :mod:`hakit.panels.probes`。"""
from hakit.panels.probes import LARGEST, render_probes
from hakit.widgets._common import build

__all__ = ["probes_panel", "render_probes", "LARGEST"]


def probes_panel():
    """Controls: scenario, livenessProbe fields, startupProbe on/off and failureThreshold,
    the app's start-up time, horizon."""
    return build("probes")
