"""Partner agencies and their API keys."""
