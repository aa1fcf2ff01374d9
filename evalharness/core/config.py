"""Config: YAML through the safe loader into validated, frozen dataclasses.

Every error names the file, the line and the field; unknown keys get a
"did you mean". Validation imports scorer modules (for their option schemas and
metric names) but never loads a model.
"""

from __future__ import annotations

import dataclasses
import math
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from . import registry
from ..io.safe_yaml import Document, load_yaml
from ..errors import ConfigError, did_you_mean, type_name
from .results import SUPPORT, MetricKey

TOP_KEYS = ("scorers", "gate", "bootstrap", "run", "compare")
RULE_KEYS = ("metric", "min", "max", "systems", "on")
GATE_KEYS = ("rules", "no_rules")
RULE_ON = ("mean", "ci_low", "ci_high", "every")
BOOTSTRAP_KEYS = ("resamples", "confidence", "seed")


@dataclass(frozen=True)
class ScorerConfig:
    name: str
    options: Any


@dataclass(frozen=True)
class GateRule:
    """A bound on a metric. ``on`` picks what is compared: the mean, an end of the
    confidence interval, or every single item."""

    metric: str
    min: float | None = None
    max: float | None = None
    systems: tuple[str, ...] | None = None
    on: str = "mean"

    def describe(self) -> str:
        bounds = []
        if self.min is not None:
            bounds.append(f">= {self.min:g}")
        if self.max is not None:
            bounds.append(f"<= {self.max:g}")
        target = self.metric if self.on == "mean" else f"{self.metric} ({self.on})"
        return f"{target} {' and '.join(bounds)}"


@dataclass(frozen=True)
class BootstrapConfig:
    resamples: int = 1000
    confidence: float = 0.95
    seed: int = 12345


@dataclass(frozen=True)
class RunConfig:
    """How a run executes. None of it changes a score."""

    workers: int | None = None        # worker processes for CPU-bound scorers; None = cores available
    cache: bool = True                # persistent score cache
    cache_dir: str | None = None      # None = the user cache folder
    allow_missing: bool = False       # a runs file (--candidates) may leave cases out; they are listed
    executor: typing.Literal["local", "ray"] = "local"
    ray_address: str | None = None
    batch_size: int = 256             # items per scorer call


@dataclass(frozen=True)
class RegressionRule:
    """How far a metric may drop from the baseline run (``evalharness compare``).

    A drop is measured in the metric's bad direction (a rise, for lower-is-better
    metrics). With ``significant`` the rule fails only when the paired test also
    says the change is real at ``compare.alpha``."""

    metric: str
    max_drop: float = 0.0
    significant: bool = True
    systems: tuple[str, ...] | None = None


@dataclass(frozen=True)
class NewFlagsRule:
    """``compare.new_flags``: at most ``max`` newly flagged claims per system (a claim
    the support scorer flags in the new run and did not flag in the baseline, same
    case, same system)."""

    max: int = 0
    systems: tuple[str, ...] | None = None
    checks: tuple[str, ...] | None = None   # count only claims one of these detector checks flagged

    def validate(self):
        if self.max < 0:
            return "max", f"must not be negative, got {self.max}"
        if self.checks is not None:
            from ..errors import did_you_mean
            # the detector names its checks; it is reached through the registry, as every scorer is
            known = list(registry.get_scorer_class(SUPPORT).flag_checks())
            for c in self.checks:
                if c not in known:
                    return "checks", (f"unknown check '{c}'{did_you_mean(c, known)} (checks that flag a claim: "
                                      f"{', '.join(known)})")
            if not self.checks:
                return "checks", "must name at least one check (leave it out to count every new flag)"
        return None

    def counts(self, claim) -> bool:
        """Whether a newly flagged ``claim`` counts against this rule."""
        return self.checks is None or bool(set(self.checks) & set(claim.checks))

    def describe(self) -> str:
        return f"new_flags <= {self.max}" + (f" ({', '.join(self.checks)})" if self.checks else "")


@dataclass(frozen=True)
class CompareConfig:
    """``no_rules: true`` says explicitly that a regression gate without any rule is
    wanted (else a gate that checks nothing fails); ``allow_missing_systems`` names
    the systems of the baseline that the new run may leave out (else a system that
    disappeared fails the gate). ``new_flags`` (None: off) bounds the newly flagged
    claims per system; ``pair`` holds (new-run system, baseline system) pairs compared
    with each other although their names differ (``compare.pair: {new: old}``)."""

    alpha: float = 0.05
    resamples: int = 1000
    seed: int = 12345
    rules: tuple[RegressionRule, ...] = ()
    no_rules: bool = False
    allow_missing_systems: tuple[str, ...] = ()
    new_flags: NewFlagsRule | None = None
    pair: tuple[tuple[str, str], ...] = ()


def _tuple(v):
    return tuple(v) if isinstance(v, (list, tuple)) else v


@dataclass(frozen=True)
class RecordedConfig:
    """The config a report records (``Report.config``): the JSON as the run wrote it, and
    the typed sections a later reader needs (the per-item gate rules for JUnit, the
    ``compare`` section for ``evalharness compare``), parsed once, here."""

    raw: Mapping[str, Any] = field(default_factory=dict)
    gate: tuple[GateRule, ...] = ()
    compare: CompareConfig = field(default_factory=CompareConfig)

    @classmethod
    def from_json(cls, raw: Mapping[str, Any] | None) -> "RecordedConfig":
        raw = dict(raw or {})
        names = {f.name for f in dataclasses.fields(GateRule)}
        gate = tuple(GateRule(**{k: _tuple(v) for k, v in r.items() if k in names})
                     for r in raw.get("gate", ()) if isinstance(r, Mapping) and "metric" in r)
        c = raw.get("compare") or {}
        rules = tuple(RegressionRule(metric=r["metric"], max_drop=float(r.get("max_drop", 0.0)),
                                     significant=bool(r.get("significant", True)), systems=_tuple(r.get("systems")))
                      for r in c.get("rules", ()))
        nf = c.get("new_flags")
        new_flags = (NewFlagsRule(max=int(nf.get("max", 0)), systems=_tuple(nf.get("systems")),
                                  checks=_tuple(nf.get("checks"))) if isinstance(nf, Mapping) else None)
        pair = c.get("pair") or ()
        pairs = tuple(pair.items()) if isinstance(pair, Mapping) else tuple(tuple(p) for p in pair)
        compare = CompareConfig(alpha=float(c.get("alpha", 0.05)), resamples=int(c.get("resamples", 1000)),
                                seed=int(c.get("seed", 12345)), rules=rules, no_rules=bool(c.get("no_rules", False)),
                                allow_missing_systems=tuple(c.get("allow_missing_systems", ())),
                                new_flags=new_flags, pair=pairs)
        return cls(raw=raw, gate=gate, compare=compare)

    def to_json(self) -> dict:
        return dict(self.raw)


@dataclass(frozen=True)
class Config:
    scorers: tuple[ScorerConfig, ...]
    gate: tuple[GateRule, ...] = ()
    bootstrap: BootstrapConfig = field(default_factory=BootstrapConfig)
    run: RunConfig = field(default_factory=RunConfig)
    compare: CompareConfig = field(default_factory=CompareConfig)
    file: str | None = None
    gate_no_rules: bool = False       # `gate: {no_rules: true}`: a gate that checks nothing may pass
    # "gate.rules[0]" / "compare.rules[2]" -> the line of its `systems` (else of the rule), for errors
    rule_lines: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    def scorer(self, name: str) -> ScorerConfig | None:
        return next((s for s in self.scorers if s.name == name), None)

    def to_json(self) -> dict:
        return {
            "file": self.file,
            "scorers": {s.name: options_to_json(s.options) for s in self.scorers},
            "gate": [dataclasses.asdict(r) for r in self.gate],
            "gate_no_rules": self.gate_no_rules,
            "bootstrap": dataclasses.asdict(self.bootstrap),
            "compare": dataclasses.asdict(self.compare),
        }


def options_to_json(options: Any) -> dict:
    """Options as the report's ``config`` shows them. A field whose metadata says
    ``omit_default`` is left out while it holds its default (a newer opt-in section, so
    that reports of configs without it keep their bytes)."""
    out = {}
    for f in dataclasses.fields(options):
        v = getattr(options, f.name)
        if f.metadata.get("omit_default") and f.default_factory is not dataclasses.MISSING \
                and v == f.default_factory():
            continue
        if dataclasses.is_dataclass(v):
            v = options_to_json(v)
        out[f.name] = list(v) if isinstance(v, tuple) else v
    return out


def coerce(value: Any, annotation: Any, where: str, doc: Document | None, path: tuple):
    """Check and convert a YAML value against a dataclass field annotation."""
    file = doc.file if doc else None
    line = doc.line(*path) if doc else None
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        if value is None and type(None) in args:
            return None
        non_none = [a for a in args if a is not type(None)]
        errors = []
        for a in non_none:
            try:
                return coerce(value, a, where, doc, path)
            except ConfigError as exc:
                errors.append(exc)
        raise errors[0]
    if origin is typing.Literal:
        if value not in args:
            raise ConfigError(f"must be one of {', '.join(map(str, args))}, got '{value}'"
                              f"{did_you_mean(value, args)}", file=file, line=line, field=where)
        return value
    if origin in (tuple, list):
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise ConfigError(f"must be a list, got {type_name(value)}", file=file, line=line, field=where)
        inner = args[0] if args else Any
        return tuple(coerce(v, inner, f"{where}[{i}]", doc, path + (i,)) for i, v in enumerate(value))
    if origin in (dict, Mapping) or annotation in (dict,):
        if not isinstance(value, dict):
            raise ConfigError(f"must be a mapping, got {type_name(value)}", file=file, line=line, field=where)
        return dict(value)
    if annotation is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"must be true or false, got {type_name(value)} '{value}'", file=file, line=line,
                              field=where)
        return value
    if annotation is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"must be a whole number, got {type_name(value)} '{value}'", file=file, line=line,
                              field=where)
        return value
    if annotation is float:
        if isinstance(value, float) and not math.isfinite(value):
            raise ConfigError(f"must be a finite number, got {value}", file=file, line=line, field=where)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"must be a number, got {type_name(value)} '{value}'", file=file, line=line, field=where)
        return float(value)
    if annotation is str:
        if not isinstance(value, str):
            raise ConfigError(f"must be text, got {type_name(value)}", file=file, line=line, field=where)
        return value
    if isinstance(annotation, type) and dataclasses.is_dataclass(annotation):  # nested option section
        return build_dataclass(annotation, value, where, doc, path)
    return value


def build_dataclass(cls: type, raw: Any, where: str, doc: Document | None = None, path: tuple = ()):
    """Build a frozen options dataclass from a mapping, with unknown-key and type errors."""
    file = doc.file if doc else None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"must be a mapping, got {type_name(raw)}", file=file, line=doc.line(*path) if doc else None,
                          field=where)
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls)]
    kwargs = {}
    for key, value in raw.items():
        if key not in names:
            raise ConfigError(f"unknown option '{key}'{did_you_mean(key, names)}", file=file,
                              line=doc.line(*path, key) if doc else None, field=f"{where}.{key}")
        kwargs[key] = coerce(value, hints[key], f"{where}.{key}", doc, path + (key,))
    try:
        obj = cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ConfigError(str(exc), file=file, line=doc.line(*path) if doc else None, field=where) from None
    check = getattr(obj, "validate", None)
    if check is not None:
        problem = check()
        if problem:
            fname, message = problem
            raise ConfigError(message, file=file, line=doc.line(*path, fname) if doc else None,
                              field=f"{where}.{fname}")
    return obj


def _parse_scorers(raw: Any, doc: Document) -> tuple[ScorerConfig, ...]:
    if raw is None:
        raise ConfigError("at least one scorer is required", file=doc.file, line=doc.line("scorers"),
                          field="scorers")
    if isinstance(raw, list):  # scorers: [rouge, support]
        if not all(isinstance(x, str) for x in raw):
            raise ConfigError("must be a mapping of scorer name to options, or a list of names", file=doc.file,
                              line=doc.line("scorers"), field="scorers")
        raw = {name: {} for name in raw}
    if not raw and isinstance(raw, (dict, list)):
        raise ConfigError("at least one scorer is required", file=doc.file, line=doc.line("scorers"),
                          field="scorers")
    if not isinstance(raw, dict):
        raise ConfigError(f"must be a mapping of scorer name to options, got {type_name(raw)}", file=doc.file,
                          line=doc.line("scorers"), field="scorers")
    out = []
    for name, opts in raw.items():
        cls = registry.get_scorer_class(name, file=doc.file, line=doc.line("scorers", name))
        out.append(ScorerConfig(name=name, options=build_dataclass(cls.Options, opts, f"scorers.{name}", doc,
                                                                   ("scorers", name))))
    return tuple(out)


def known_metrics(scorers: tuple[ScorerConfig, ...]) -> dict[MetricKey, bool]:
    """``<scorer>.<metric>`` -> higher is better, for the configured scorers."""
    out = {}
    for s in scorers:
        cls = registry.get_scorer_class(s.name)
        for metric, hib in cls.higher_is_better.items():
            out[MetricKey.of(s.name, metric)] = hib
    return out


def _parse_rules(raw: Any, doc: Document, metrics: Mapping[MetricKey, bool]) -> tuple[tuple[GateRule, ...], bool]:
    """The gate's rules and its ``no_rules`` switch."""
    no_rules = False
    if raw is None:
        return (), no_rules
    if isinstance(raw, dict):
        for key in raw:
            if key not in GATE_KEYS:
                raise ConfigError(f"unknown key '{key}'{did_you_mean(key, GATE_KEYS)}", file=doc.file,
                                  line=doc.line("gate", key), field=f"gate.{key}")
        if "no_rules" in raw:
            no_rules = coerce(raw["no_rules"], bool, "gate.no_rules", doc, ("gate", "no_rules"))
        raw = raw.get("rules") or []
        base: tuple = ("gate", "rules")
    else:
        base = ("gate",)
    if not isinstance(raw, list):
        raise ConfigError(f"must be a list of rules, got {type_name(raw)}", file=doc.file, line=doc.line(*base),
                          field="gate.rules")
    if no_rules and raw:
        raise ConfigError(f"'no_rules: true' contradicts the {len(raw)} rule(s) under 'gate.rules'; keep one of "
                          "the two", file=doc.file, line=doc.line("gate", "no_rules"), field="gate.no_rules")
    rules = []
    for i, r in enumerate(raw):
        path = base + (i,)
        where = f"gate.rules[{i}]"
        if not isinstance(r, dict):
            raise ConfigError(f"must be a mapping, got {type_name(r)}", file=doc.file, line=doc.line(*path), field=where)
        for key in r:
            if key not in RULE_KEYS:
                raise ConfigError(f"unknown key '{key}'{did_you_mean(key, RULE_KEYS)}", file=doc.file,
                                  line=doc.line(*path, key), field=f"{where}.{key}")
        metric = r.get("metric")
        if not isinstance(metric, str):
            raise ConfigError("missing required field" if metric is None else f"must be text, got {type_name(metric)}",
                              file=doc.file, line=doc.line(*path, "metric"), field=f"{where}.metric")
        if metric not in metrics:
            scorer = metric.partition(".")[0]   # not yet known to be a key
            hint = did_you_mean(metric, metrics)
            if not hint and scorer in registry.names() and not any(m.scorer == scorer for m in metrics):
                hint = f" (scorer '{scorer}' is not configured under 'scorers')"
            raise ConfigError(f"unknown metric '{metric}'{hint}", file=doc.file,
                              line=doc.line(*path, "metric"), field=f"{where}.metric")
        lo = coerce(r.get("min"), float | None, f"{where}.min", doc, path + ("min",))
        hi = coerce(r.get("max"), float | None, f"{where}.max", doc, path + ("max",))
        if lo is None and hi is None:
            raise ConfigError("a rule needs 'min' or 'max'", file=doc.file, line=doc.line(*path), field=where)
        if lo is not None and hi is not None and lo > hi:
            raise ConfigError(f"contradictory thresholds: min {lo:g} is above max {hi:g}", file=doc.file,
                              line=doc.line(*path, "min"), field=f"{where}.min")
        systems = r.get("systems")
        if systems is not None:
            systems = coerce(systems, tuple[str, ...], f"{where}.systems", doc, path + ("systems",))
        on = coerce(r.get("on", "mean"), typing.Literal[RULE_ON], f"{where}.on", doc, path + ("on",))  # type: ignore
        rules.append(GateRule(metric=metric, min=lo, max=hi, systems=systems, on=on))
    return tuple(rules), no_rules


def load_config(path: Path | str) -> Config:
    path = Path(path)
    doc = load_yaml(path, error_cls=ConfigError, what="config file")
    return config_from_document(doc)


def config_from_document(doc: Document) -> Config:
    raw = doc.data
    if raw is None:
        raise ConfigError("file is empty; expected a mapping with 'scorers'", file=doc.file, line=1)
    if not isinstance(raw, dict):
        raise ConfigError(f"the top level must be a mapping, got {type_name(raw)}", file=doc.file, line=doc.line())
    for key in raw:
        if key not in TOP_KEYS:
            raise ConfigError(f"unknown key '{key}'{did_you_mean(key, TOP_KEYS)}", file=doc.file,
                              line=doc.line(key), field=key)
    scorers = _parse_scorers(raw.get("scorers"), doc)
    metrics = known_metrics(scorers)
    gate, gate_no_rules = _parse_rules(raw.get("gate"), doc, metrics)
    boot = build_dataclass(BootstrapConfig, raw.get("bootstrap"), "bootstrap", doc, ("bootstrap",))
    if boot.resamples < 1:
        raise ConfigError("must be at least 1", file=doc.file, line=doc.line("bootstrap", "resamples"),
                          field="bootstrap.resamples")
    if not 0 < boot.confidence < 1:
        raise ConfigError("must be between 0 and 1", file=doc.file, line=doc.line("bootstrap", "confidence"),
                          field="bootstrap.confidence")
    run = build_dataclass(RunConfig, raw.get("run"), "run", doc, ("run",))
    if run.workers is not None and run.workers < 1:
        raise ConfigError("must be at least 1", file=doc.file, line=doc.line("run", "workers"), field="run.workers")
    if run.batch_size < 1:
        raise ConfigError("must be at least 1", file=doc.file, line=doc.line("run", "batch_size"),
                          field="run.batch_size")
    compare = _parse_compare(raw.get("compare"), doc, metrics)
    return Config(scorers=scorers, gate=gate, bootstrap=boot, run=run, compare=compare, file=doc.file,
                  gate_no_rules=gate_no_rules, rule_lines=_rule_lines(raw, doc))


def _rule_lines(raw: Mapping, doc: Document) -> dict[str, int]:
    """Where each gate and regression rule is (its `systems` line when it has one)."""
    out: dict[str, int] = {}
    gate = raw.get("gate")
    sections = (("gate.rules", ("gate", "rules") if isinstance(gate, dict) else ("gate",),
                 gate.get("rules") if isinstance(gate, dict) else gate),
                ("compare.rules", ("compare", "rules"), (raw.get("compare") or {}).get("rules")))
    for name, base, rules in sections:
        for i, r in enumerate(rules if isinstance(rules, list) else ()):
            line = doc.line(*base, i, "systems") if isinstance(r, dict) and "systems" in r else doc.line(*base, i)
            if line is not None:
                out[f"{name}[{i}]"] = line
    compare = raw.get("compare")
    if isinstance(compare, dict) and isinstance(compare.get("new_flags"), dict):
        nf = compare["new_flags"]
        line = doc.line("compare", "new_flags", "systems") if "systems" in nf else doc.line("compare", "new_flags")
        if line is not None:
            out["compare.new_flags"] = line
    if isinstance(compare, dict) and isinstance(compare.get("pair"), dict):
        for new in compare["pair"]:
            line = doc.line("compare", "pair", new)
            if line is not None:
                out[f"compare.pair.{new}"] = line
    return out


def _parse_compare(raw: Any, doc: Document, metrics: Mapping[MetricKey, bool]) -> CompareConfig:
    if raw is None:
        return CompareConfig()
    if not isinstance(raw, dict):
        raise ConfigError(f"must be a mapping, got {type_name(raw)}", file=doc.file, line=doc.line("compare"),
                          field="compare")
    rules_raw = raw.get("rules")
    base = build_dataclass(CompareConfig, {k: v for k, v in raw.items() if k not in ("rules", "pair")}, "compare",
                           doc, ("compare",))
    if "pair" in raw:
        base = dataclasses.replace(base, pair=_parse_pair(raw["pair"], doc))
    if base.new_flags is not None and not any(m.scorer == SUPPORT for m in metrics):
        raise ConfigError("needs the support scorer (it finds the claims); add 'support' under 'scorers'",
                          file=doc.file, line=doc.line("compare", "new_flags"), field="compare.new_flags")
    if not 0 < base.alpha < 1:
        raise ConfigError("must be between 0 and 1", file=doc.file, line=doc.line("compare", "alpha"),
                          field="compare.alpha")
    if base.resamples < 1:
        raise ConfigError("must be at least 1", file=doc.file, line=doc.line("compare", "resamples"),
                          field="compare.resamples")
    if base.no_rules and base.new_flags is not None:
        raise ConfigError("'no_rules: true' contradicts 'compare.new_flags'; keep one of the two", file=doc.file,
                          line=doc.line("compare", "no_rules"), field="compare.no_rules")
    if rules_raw is None:
        return base
    if not isinstance(rules_raw, list):
        raise ConfigError(f"must be a list of rules, got {type_name(rules_raw)}", file=doc.file,
                          line=doc.line("compare", "rules"), field="compare.rules")
    rules = []
    for i, r in enumerate(rules_raw):
        path = ("compare", "rules", i)
        where = f"compare.rules[{i}]"
        if isinstance(r, dict) and "metric" not in r:
            raise ConfigError("missing required field", file=doc.file, line=doc.line(*path), field=f"{where}.metric")
        rule = build_dataclass(RegressionRule, r, where, doc, path)
        if rule.metric not in metrics:
            raise ConfigError(f"unknown metric '{rule.metric}'{did_you_mean(rule.metric, metrics)}", file=doc.file,
                              line=doc.line(*path, "metric"), field=f"{where}.metric")
        if rule.max_drop < 0:
            raise ConfigError(f"must not be negative, got {rule.max_drop:g}", file=doc.file,
                              line=doc.line(*path, "max_drop"), field=f"{where}.max_drop")
        rules.append(rule)
    if base.no_rules and rules:
        raise ConfigError(f"'no_rules: true' contradicts the {len(rules)} rule(s) under 'compare.rules'; keep one "
                          "of the two", file=doc.file, line=doc.line("compare", "no_rules"), field="compare.no_rules")
    return dataclasses.replace(base, rules=tuple(rules))


def _parse_pair(raw: Any, doc: Document) -> tuple[tuple[str, str], ...]:
    """``compare.pair: {new-run system: baseline system}``."""
    if raw is None:
        return ()
    if not isinstance(raw, dict):
        raise ConfigError(f"must be a mapping of new-run system to baseline system (pair: {{new: old}}), got "
                          f"{type_name(raw)}", file=doc.file, line=doc.line("compare", "pair"), field="compare.pair")
    out = []
    for new, old in raw.items():
        if not isinstance(new, str) or not new.strip():
            raise ConfigError(f"a system name must be text, got {type_name(new)} '{new}'", file=doc.file,
                              line=doc.line("compare", "pair"), field="compare.pair")
        if not isinstance(old, str) or not old.strip():
            raise ConfigError(f"must be the name of a baseline system, got {type_name(old)}", file=doc.file,
                              line=doc.line("compare", "pair", new), field=f"compare.pair.{new}")
        out.append((new, old))
    return tuple(out)


DEFAULT_CONFIG = "configs/default.yaml"                  # a project's own config, when it has one
BUILTIN_CONFIG = "default_config.yaml"                  # package data of evalharness
BUILTIN_LABEL = "evalharness/default_config.yaml (built-in)"


def builtin_config_text() -> str:
    """The built-in default config, as shipped inside the package."""
    from importlib import resources
    return resources.files("evalharness").joinpath(BUILTIN_CONFIG).read_text(encoding="utf-8")


def load_builtin_config() -> Config:
    doc = load_yaml(Path(BUILTIN_LABEL), text=builtin_config_text(), error_cls=ConfigError, what="config file")
    return config_from_document(doc)


def resolve_config(path: Path | str | None, root: Path | str | None = None) -> Config:
    """The config of a command: ``path`` when given (it must exist), else
    ``configs/default.yaml`` under ``root`` (default: the working folder) when it
    exists, else the built-in default."""
    if path:
        return load_config(path)
    local = Path(root or ".") / DEFAULT_CONFIG
    if local.is_file():
        return load_config(local if root else Path(DEFAULT_CONFIG))
    return load_builtin_config()


def check_rule_systems(config: Config, systems) -> None:
    """Refuse a gate or regression rule that names a system which no case, runs file
    or on-the-fly system provides (``validate``, ``run`` and the pytest plugin all
    call this, so all three refuse the same configs the same way)."""
    known = list(dict.fromkeys(systems))

    def refuse(name: str, where: str, line_key: str) -> None:
        raise ConfigError(f"names system '{name}', which no case or runs file provides"
                          f"{did_you_mean(name, known)}; systems here: {', '.join(known) or 'none'}",
                          file=config.file, line=config.rule_lines.get(line_key), field=where)

    for section, rules in (("gate.rules", config.gate), ("compare.rules", config.compare.rules)):
        for i, rule in enumerate(rules):
            for name in rule.systems or ():
                if name not in known:
                    refuse(name, f"{section}[{i}].systems", f"{section}[{i}]")
    nf = config.compare.new_flags
    for name in (nf.systems or ()) if nf is not None else ():
        if name not in known:
            refuse(name, "compare.new_flags.systems", "compare.new_flags")
    for new, _old in config.compare.pair:
        if new not in known:
            refuse(new, f"compare.pair.{new}", f"compare.pair.{new}")
