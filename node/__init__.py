"""Entraide node: the server application."""

__version__ = "0.1.0"
