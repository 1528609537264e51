"""Expectation suites as code, one module per subject (raw, identity, marts)."""
