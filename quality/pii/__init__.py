"""Personal data in the warehouse: what looks like it, and where it is declared."""
