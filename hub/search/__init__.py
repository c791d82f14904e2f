"""Full-text search over clues in Chinese: character bigrams (and single characters) kept in
an index table beside `clues` (SQLite FTS5, PostgreSQL tsvector + GIN)."""
