"""Pure-Python models of Kubernetes, etcd and Redis behaviour (no Jupyter or Plotly imports).

Every function validates its input and raises ``ValueError`` with a message in Chinese that
says what is wrong and what is allowed.
"""
