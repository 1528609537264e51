"""The compliance audit report: what a data-protection officer asks for, on one page.

Erasure requests with their proof, consent changes and quality check history over a
period, read from the warehouse (read-only) and the Dagster instance, rendered as one
self-contained HTML file: inline CSS and SVG, no script, nothing fetched, so it can be
archived, mailed or printed as the evidence it is. No personal data reaches the page:
the readers select no personal column, and free text is redacted before rendering.
"""

from quality.audit.report import AuditReport, build_report, write_report

__all__ = ["AuditReport", "build_report", "write_report"]
