"""Route: declarative rules propose a disposition for each clue and say why."""
