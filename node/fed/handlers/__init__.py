"""Inbox handlers, one module per area and one named function per (activity, object) pair
(GoToSocial style). They call services only; :mod:`node.fed.registry` is the table that
dispatches to them."""
