"""Use cases of a node. Services take and return models and plain values, never HTTP objects."""
