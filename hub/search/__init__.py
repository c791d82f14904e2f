"""Full-text search over clues in Chinese: character bigrams (and each Han run's last
character; a one-character query is a prefix) kept in an index table beside `clues` (SQLite
FTS5, PostgreSQL tsvector + GIN)."""
