"""The README is a quickstart and the docs stay true to the code: the README starts
with the two set-up commands and stays short, every relative link (and #anchor) in
README.md and docs/*.md resolves, every `evalharness ...` command line in them uses
flags the CLI has, and docs/config.md lists exactly the options the code accepts."""

from __future__ import annotations

import dataclasses
import re
import typing
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
SETUP = [
    "pip install torch==2.13.0 && pip install -e . && evalharness run cases/ --config configs/default.yaml",
    'pip install torch==2.13.0 && pip install -e ".[test]" && python -m pytest',
]
MAX_README_LINES = 200

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
FENCE = re.compile(r"^```.*?^```", re.S | re.M)


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


def test_readme_is_short():
    n = len(README.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_README_LINES, f"README.md has {n} lines; move topics to docs/"


def test_readme_starts_with_the_two_setup_commands():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ")
    assert lines[1:6] == ["", "```bash", *SETUP, "```"]


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = re.sub(r"[`*]", "", heading.strip()).lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*$", text, re.M)}


def links(path: Path) -> list[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)  # inline code is not a link
    return LINK.findall(text)


def test_slug_follows_github():
    assert slug("This project's own CI") == "this-projects-own-ci"
    assert slug("How `support.score` is made") == "how-supportscore-is-made"
    assert slug("support.nli (`NliOptions`, evalharness/scorers/support/backend_options.py)") == \
        "supportnli-nlioptions-evalharnessscorerssupportbackend_optionspy"


@pytest.mark.parametrize("page", PAGES, ids=_rel)
def test_relative_links_resolve(page):
    broken = []
    for target in links(page):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:
            continue
        file, _, anchor = target.partition("#")
        dest = (page.parent / file).resolve() if file else page
        if not dest.exists():
            broken.append(f"{target}: no file {dest}")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{target}: no heading with anchor #{anchor} in {_rel(dest)}")
    assert broken == [], f"{_rel(page)}: broken links"


def test_the_link_check_sees_a_broken_link(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Title\n\nSee [a](missing.md), [b](#title), [c](https://example.com), `[d](x.md)`.\n"
                    "```\n[e](fenced.md)\n```\n", encoding="utf-8")
    assert links(page) == ["missing.md", "#title", "https://example.com"]
    assert anchors(page) == {"title"}


# --- command lines in the docs use flags the CLI has -------------------------------

def _cli_options() -> dict[str, set[str]]:
    from evalharness.cli import build_parser
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return {name: set(p._option_string_actions) for name, p in sub.choices.items()}


def command_lines(text: str) -> list[str]:
    """`evalharness <command> ...` lines from code blocks (with their continuation
    lines) and from inline code."""
    out = []
    for block in FENCE.findall(text):
        joined = block.replace("\\\n", " ")
        out += [line.strip() for line in joined.splitlines() if re.match(r"\s*(python -m )?evalharness \w", line)]
    out += [m.group(1) for m in re.finditer(r"`((?:python -m )?evalharness [^`]+)`", FENCE.sub("", text))]
    return out


def wrong_flags(text: str, options: dict[str, set[str]]) -> list[str]:
    wrong = []
    for line in command_lines(text):
        line = re.sub(r"\$\([^)]*\)", "", line.split(" #", 1)[0]).strip()  # drop comments and $(...)
        command = line.replace("python -m ", "", 1).split()[1]
        if command not in options:
            wrong.append(f"unknown command in `{line}`")
            continue
        wrong += [f"`{command}` has no option {flag} (in `{line}`)"
                  for flag in re.findall(r"(?<![\w-])(--?[a-zA-Z][\w-]*)", line) if flag not in options[command]]
    return wrong


def test_documented_command_lines_use_real_flags():
    options = _cli_options()
    found = {_rel(p): command_lines(p.read_text(encoding="utf-8")) for p in PAGES}
    assert sum(map(len, found.values())) >= 20  # the scan does see the docs' commands
    wrong = [f"{_rel(p)}: {w}" for p in PAGES for w in wrong_flags(p.read_text(encoding="utf-8"), options)]
    assert wrong == []


def test_the_flag_check_sees_a_wrong_flag():
    options = _cli_options()
    text = "```bash\nevalharness run cases/ --no-cash   # typo\nevalharness rnu cases/\n```\n"
    assert wrong_flags(text, options) == ["`run` has no option --no-cash (in `evalharness run cases/ --no-cash`)",
                                          "unknown command in `evalharness rnu cases/`"]


def test_command_lines_are_found_in_blocks_and_inline():
    text = "Run `evalharness cache stats`.\n```bash\nevalharness run cases/ --baseline b.json \\\n    --junit j\n```\n"
    assert command_lines(text) == ["evalharness run cases/ --baseline b.json      --junit j", "evalharness cache stats"]


# --- docs/config.md lists exactly the options the code accepts ------------------------

def option_classes() -> list[type]:
    """The config's own sections and every scorer's Options, with their nested sections."""
    from evalharness.core import config, registry
    out = [config.GateRule, config.BootstrapConfig, config.RunConfig, config.CompareConfig, config.RegressionRule,
           config.NewFlagsRule]
    todo = [registry.get_scorer_class(name).Options for name in registry.names()]
    while todo:
        cls = todo.pop(0)
        if cls not in out:
            out.append(cls)
            todo += [t for t in typing.get_type_hints(cls).values()
                     if isinstance(t, type) and dataclasses.is_dataclass(t)]
    return [c for c in out if dataclasses.fields(c)]


def _shown(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value == ():
        return "empty"
    return str(value)


def check_config_reference(text: str) -> list[str]:
    """What docs/config.md (given as text) gets wrong about the option classes: each
    class is named (`ClassName`) in exactly one section, whose table rows are exactly
    its fields, and a default shown as a plain literal is the field's default."""
    parts = re.split(r"^(?=#{2,6} )", FENCE.sub("", text), flags=re.M)
    classes = option_classes()
    problems = []
    for cls in classes:
        mine = [p for p in parts if f"`{cls.__name__}`" in p]
        if len(mine) != 1:
            problems.append(f"{cls.__name__}: named in {len(mine)} sections of docs/config.md (want 1)")
            continue
        section = mine[0]
        rows = dict(re.findall(r"^\| `(\w+)` \|[^|\n]*\| ([^|\n]*) \|", section, re.M))
        allowed = {f.name for c in classes if f"`{c.__name__}`" in section for f in dataclasses.fields(c)}
        fields = {f.name: f for f in dataclasses.fields(cls)}
        missing = sorted(set(fields) - set(rows))
        extra = sorted(set(rows) - allowed)
        if missing:
            problems.append(f"{cls.__name__}: options missing from docs/config.md: {', '.join(missing)}")
        if extra:
            problems.append(f"{cls.__name__}: docs/config.md documents options the code lacks: {', '.join(extra)}")
        for name, f in fields.items():
            literal = re.fullmatch(r"`?([\w.:-]+)`?", rows.get(name, "").strip())
            if not literal or f.default is dataclasses.MISSING:
                continue  # required, a factory, or described in words
            token, value = literal.group(1), f.default
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                ok = re.fullmatch(r"-?\d+(\.\d+)?", token) is not None and float(token) == value
            else:
                ok = token == _shown(value)
            if not ok:
                problems.append(f"{cls.__name__}.{name}: docs/config.md says {token}, the code {value!r}")
    return problems


def test_config_reference_lists_every_option_with_its_default():
    assert check_config_reference((ROOT / "docs" / "config.md").read_text(encoding="utf-8")) == []


def test_the_config_check_sees_a_missing_option_and_a_wrong_default():
    text = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    row = re.search(r"^\| `use_stemmer` \|.*\n", text, re.M).group()
    bad = text.replace(row, "").replace("| 0.75 |", "| 0.5 |").replace("| `cache_dir` | text or null |",
                                                                      "| `cache_folder` | text or null |", 1)
    problems = check_config_reference(bad)
    assert "RougeOptions: options missing from docs/config.md: use_stemmer" in problems
    assert "SupportOptions.paraphrase_threshold: docs/config.md says 0.5, the code 0.75" in problems
    assert "LlmOptions: docs/config.md documents options the code lacks: cache_folder" in problems


YAML_BLOCK = re.compile(r"^```ya?ml\n(.*?)^```", re.S | re.M)
CONFIG_SECTIONS = {"scorers", "gate", "compare", "bootstrap", "run"}


def config_blocks(path: Path) -> list[str]:
    """The fenced YAML blocks of a page that are configs (or parts of one)."""
    import yaml
    out = []
    for m in YAML_BLOCK.finditer(path.read_text(encoding="utf-8")):
        data = yaml.safe_load(m.group(1))
        if isinstance(data, dict) and set(data) & CONFIG_SECTIONS:
            out.append(m.group(1))
    return out


def load_config_text(text: str, label: str):
    """Load a config block as the loader would; a snippet without scorers gets one."""
    from evalharness.io.safe_yaml import load_yaml
    from evalharness.core.config import config_from_document
    from evalharness.errors import ConfigError
    if not re.search(r"^scorers:", text, re.M):
        text = "scorers: {rouge: {}, bertscore: {}, support: {}}\n" + text
    return config_from_document(load_yaml(Path(label), text=text, error_cls=ConfigError, what="config file"))


@pytest.mark.parametrize("page", PAGES, ids=_rel)
def test_every_config_block_in_the_docs_loads(page):
    """Every config a page shows (README and docs/*.md, whole or in part) is one the loader
    accepts: no unknown key, no wrong type, no value out of range."""
    for block in config_blocks(page):
        load_config_text(block, _rel(page))


def test_the_config_block_check_sees_a_wrong_key(tmp_path):
    from evalharness.errors import ConfigError
    page = tmp_path / "page.md"
    page.write_text("text\n\n```yaml\ngate:\n  rules:\n    - {metric: support.score, mn: 0.5}\n```\n")
    [block] = config_blocks(page)
    with pytest.raises(ConfigError, match="mn"):
        load_config_text(block, "page.md")


def test_the_signature_example_is_what_the_default_config_signs():
    """docs/report.md shows the signatures of configs/default.yaml as the code writes them
    (no model is loaded to sign)."""
    from evalharness.core.config import load_config
    from evalharness.engine.runner import build_scorers
    text = (ROOT / "docs" / "report.md").read_text(encoding="utf-8")
    section = text[text.index("## Signatures"):]
    block = section[section.index("```\n") + 4:]
    shown = block[:block.index("```")].splitlines()
    signed = [s.signature() for s in build_scorers(load_config(ROOT / "configs" / "default.yaml"))]
    assert shown == signed


# --- every dotted config key or metric a page names exists ---------------------------

DOTTED = re.compile(r"`((?:scorers|gate|compare|bootstrap|run|rouge|bertscore|support)(?:\.\w+)+)`")


def _option_path(cls, parts) -> bool:
    for i, part in enumerate(parts):
        hints = typing.get_type_hints(cls)
        if part not in {f.name for f in dataclasses.fields(cls)}:
            return False
        nxt = hints[part]
        inner = [t for t in typing.get_args(nxt) if dataclasses.is_dataclass(t)]   # `NewFlagsRule | None`
        nxt = inner[0] if len(inner) == 1 else nxt
        if i < len(parts) - 1:
            if not (isinstance(nxt, type) and dataclasses.is_dataclass(nxt)):
                return False
            cls = nxt
    return True


def dotted_name_problems(text: str) -> list[str]:
    """The `a.b.c` names in a page that are neither a config key the loader accepts
    (`compare.new_flags`, `scorers.support.threshold`, `support.llm.cache_dir`) nor a metric a
    scorer reports (`support.score`, `rouge.rouge1`)."""
    from evalharness.core import config, registry
    sections = {"compare": config.CompareConfig, "bootstrap": config.BootstrapConfig, "run": config.RunConfig}
    problems = []
    for name in dict.fromkeys(DOTTED.findall(text)):
        head, *rest = name.split(".")
        if head == "scorers":
            head, *rest = rest
        if head == "gate":
            ok = len(rest) == 1 and rest[0] in config.GATE_KEYS
        elif head in sections:
            ok = _option_path(sections[head], rest)
        else:
            scorer = registry.get_scorer_class(head)
            ok = _option_path(scorer.Options, rest) or (len(rest) == 1 and rest[0] in scorer.higher_is_better)
        if not ok:
            problems.append(name)
    return problems


@pytest.mark.parametrize("page", PAGES, ids=_rel)
def test_every_dotted_config_key_or_metric_a_page_names_exists(page):
    assert dotted_name_problems(page.read_text(encoding="utf-8")) == []


def test_the_dotted_name_check_sees_a_wrong_key_and_a_wrong_metric():
    text = ("Set `compare.new_flag` or `support.llm.cache_folder`; read `support.scores`; `run.cache_dir` and "
            "`compare.new_flags.checks` are fine.")
    assert dotted_name_problems(text) == ["compare.new_flag", "support.llm.cache_folder", "support.scores"]
