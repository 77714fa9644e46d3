"""ipywidgets front end for JupyterLab: panels built from the declarations in :mod:`hakit.panels`."""
