"""Reporting: terminal tables, JSON, JUnit, Markdown, HTML, plots and the claim index."""
