"""evalharness: tells whether a summariser got better or worse, and why."""

__version__ = "0.1.0"
