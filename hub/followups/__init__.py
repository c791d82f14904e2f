"""回头看: a follow-up check scheduled when a matter closes, its finding, and a rebound's new
hand-off (SPEC §8)."""
