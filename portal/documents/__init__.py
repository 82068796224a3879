"""The one place that turns templates into PDFs (WeasyPrint, PDF/A)."""
