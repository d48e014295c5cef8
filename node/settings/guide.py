"""The solidarity guide's categories every node knows."""

from __future__ import annotations

# The solidarity guide's standard categories (the data·inclusion and Soliguide readers map onto
# them); a node adds its own with ``guide_categories``.
GUIDE_CATEGORIES = (
    "food",
    "shelter",
    "shower",
    "laundry",
    "toilets",
    "day_centre",
    "health",
    "dental",
    "domiciliation",
    "luggage",
    "water",
    "charging",
)
