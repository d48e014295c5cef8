"""Calls for help: associations mobilise the residents of an area (volunteers, donations), node
admins warn everyone in an area (urgent). Modules: :mod:`.audience` (who is in the area),
:mod:`.posting` (post, edit, close, thank), :mod:`.answers` (I'm coming, pledges, withdrawal),
:mod:`.follows` (following associations), :mod:`.limits` (what protects people's attention),
:mod:`.reading` (what a member may see)."""
