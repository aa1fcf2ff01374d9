"""evalharness: tells whether a summariser got better or worse, and why.

The public API (what the CLI and the pytest plugin use) is exported lazily, so
``import evalharness`` stays instant and imports no model library.
"""

__version__ = "0.1.0"

_EXPORTS = {
    "load_cases": "cases", "load_runs": "cases", "with_runs": "cases", "Case": "cases",
    "load_config": "config", "Config": "config", "CompareConfig": "config", "RegressionRule": "config",
    "evaluate": "runner", "CachePolicy": "store",
    "run_evaluation": "pipeline", "RunRequest": "pipeline", "RunResult": "pipeline",
    "Report": "report", "read_report": "report", "write_report": "report",
    "compare_reports": "compare", "Comparison": "compare",
    "render": "render",
    "EvalHarnessError": "errors", "InputError": "errors", "ScorerError": "errors",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'evalharness' has no attribute '{name}'")
    import importlib
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
