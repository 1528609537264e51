"""Governance assets and checks: where personal data is, and gates on it."""
