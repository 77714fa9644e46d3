"""hakit: the library behind the course 容器云平台的高可用设计.

Layers (data flows one way): ``models`` (pure Python) -> ``figures`` (Plotly) ->
``widgets`` (ipywidgets for JupyterLab); ``lab`` drives real local processes and clusters.
"""
__version__ = "0.1.0"
