"""信访信息系统: petitions (信访件) about unlawful acts of government bodies."""
