"""The message queue: wake-ups for workers. The database, not the queue, holds the work."""
