"""Detector quality on labelled rows: pure metrics, and running scorers over the rows."""
