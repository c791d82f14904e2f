"""Need to know for personal data: reveal by approval, blind indexes, retention, legal holds."""
