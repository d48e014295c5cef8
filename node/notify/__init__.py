"""Telling people: listeners that turn the node's events into notifications
(:mod:`node.notify.listeners`), and the channels the worker sends them on (Web Push, SMS,
digest mail)."""
