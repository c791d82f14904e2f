"""法院: administrative cases the government side lost, and enforcement against bodies."""
