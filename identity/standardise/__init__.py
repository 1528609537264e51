"""Standardisers: turn values as a source holds them into comparable match keys."""
