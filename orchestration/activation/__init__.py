"""Activation in Dagster: the audience files marketing tools import."""
