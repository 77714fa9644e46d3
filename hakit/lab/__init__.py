"""Drivers for real local systems used by the labs (etcd, Redis Sentinel + HAProxy, Kubernetes)."""
