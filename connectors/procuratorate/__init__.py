"""检察院: recommendations (检察建议书) that were not answered on time or not acted on."""
