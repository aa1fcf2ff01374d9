"""Benchmarks: scripts run by hand (``python benchmarks/bench.py``), not tests.

A package so that a test can import a benchmark's generator by name
(``from benchmarks import edit_sensitivity``) instead of by file path.
"""
