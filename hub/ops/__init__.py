"""What the person running the servers looks at: health, readiness, metrics."""
