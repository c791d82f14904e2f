"""Delivery of hand-offs: signed webhooks to agencies, reminders and escalation, notifications."""
