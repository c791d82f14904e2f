"""The directory of government bodies (单位名录), and resolving clue subjects against it."""
