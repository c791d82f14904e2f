"""Moving clues between stages: durable tasks, workers that claim them, the sweeper."""
