"""Scorers: one module each, found through :mod:`evalharness.core.registry`."""
