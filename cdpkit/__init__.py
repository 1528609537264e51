"""cdpkit: a customer data platform toolkit. The CLI lives in `cdpkit.cli`."""
