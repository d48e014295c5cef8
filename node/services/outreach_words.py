"""The words of street outreach (kinds and modes of rounds, what is given), as message ids of
the node's catalog: the pages and the round summary mail show them translated, never as codes.
"""

from __future__ import annotations

from node.i18n import N_

ROUND_KIND_LABELS = {"food": N_("Food"), "social": N_("Social"), "medical": N_("Medical")}
ROUND_MODE_LABELS = {"foot": N_("On foot"), "vehicle": N_("By vehicle")}
ITEM_LABELS = {
    "meal": N_("Meal"),
    "hot_drink": N_("Hot drink"),
    "water": N_("Water"),
    "blanket": N_("Blanket"),
    "sleeping_bag": N_("Sleeping bag"),
    "hygiene_kit": N_("Hygiene kit"),
    "clothes": N_("Clothes"),
    "orientation": N_("Orientation"),
    "conversation": N_("Conversation"),
    "medical_referral": N_("Medical referral"),
}
