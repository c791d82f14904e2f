"""The default rule set shipped with the hub (default_rules.yaml)."""
