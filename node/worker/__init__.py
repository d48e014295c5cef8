"""Background work of a node. Everything it does is derived from database rows, so a process
that dies loses nothing: the next run (in this or another process) picks up where it stopped."""
