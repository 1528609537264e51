"""The right to erasure: requests, the suppression list every connector applies, and proof."""
