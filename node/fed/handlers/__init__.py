"""Inbox handlers, one module per area; every module here is imported by
:func:`node.fed.registry.find_handler` (part B adds its own modules)."""
