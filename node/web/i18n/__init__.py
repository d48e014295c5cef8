"""Translations of the web pages (the catalogs live here; :mod:`node.i18n` reads them)."""

from __future__ import annotations

from node.i18n import CATALOGS as HERE
from node.i18n import LANGUAGE_NAMES, LANGUAGES, catalog_path, translations

__all__ = ["HERE", "LANGUAGES", "LANGUAGE_NAMES", "catalog_path", "translations"]
