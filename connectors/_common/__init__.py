"""What the pure mappers share: dates, text clean-up, reading a native record, clue parts."""
