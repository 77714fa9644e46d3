"""ipywidgets panels for JupyterLab: they only wire controls to models and figures."""
