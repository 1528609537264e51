"""Dagster definitions for this layer."""
