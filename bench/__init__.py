"""Benchmarks at fleet scale: ``make bench`` (``python -m bench``); see docs/performance.md."""
