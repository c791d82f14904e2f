"""Review (研判): the office's queue, a clue's page, and decisions on clues."""
