"""The solidarity guide: places (lieux solidaires), their hours, and finding them near a point.

- :mod:`.hours`: OSM ``opening_hours`` evaluated in the node's timezone, closures, full tonight;
- :mod:`.words`: those hours in plain French and English;
- :mod:`.store`: making, changing, importing (idempotent on ``(source, source_id)``), deleting;
- :mod:`.finding`: places near a point, nearest first, open now or not.
"""
