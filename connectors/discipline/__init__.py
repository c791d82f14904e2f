"""纪委监委: problem clues (问题线索) about officials' conduct in rule-of-law work."""
