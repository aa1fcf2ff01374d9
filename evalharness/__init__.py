"""evalharness: tells whether a summariser got better or worse, and why.

The public API (what the CLI and the pytest plugin use) is exported lazily, so
``import evalharness`` stays instant and imports no model library.
"""

__version__ = "0.1.0"

_EXPORTS = {
    "load_cases": "io.cases", "load_runs": "io.cases", "with_runs": "io.cases", "Case": "io.cases",
    "load_config": "core.config", "Config": "core.config", "CompareConfig": "core.config",
    "RegressionRule": "core.config",
    "evaluate": "engine.runner", "CachePolicy": "cache.store",
    "run_evaluation": "engine.pipeline", "RunRequest": "engine.pipeline", "RunResult": "engine.pipeline",
    "Report": "core.report", "read_report": "core.report", "write_report": "core.report",
    "compare_reports": "verdict.compare", "Comparison": "verdict.compare",
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
