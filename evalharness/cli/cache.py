"""``evalharness cache stats|clear``: inspect or empty the caches (every namespace of the one store)."""

from __future__ import annotations

import json

ORDER = 60


def add_parser(sub) -> None:
    p = sub.add_parser("cache", help="show or clear the caches (scores, embeddings, llm replies, summaries, ...)")
    p.add_argument("action", choices=("stats", "clear"), help="stats: where it is, how big; clear: empty it")
    p.add_argument("--cache-dir", metavar="DIR", help="cache folder (default: the user cache folder)")
    p.add_argument("--namespace", metavar="NAME", help="only this namespace (scores, embeddings, llm, summaries, "
                   "metaeval-rows, ...)")
    p.add_argument("--scorer", metavar="NAME", help="clear: only this scorer's entries (in the scores namespace)")
    p.add_argument("--json", action="store_true", help="stats: print JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    import sqlite3
    from pathlib import Path

    from ..errors import ConfigError, InputError, did_you_mean
    from ..cache.store import NAMESPACES, Store, default_cache_dir, legacy_files, remove_files

    ns = args.namespace
    if ns is not None and ns not in NAMESPACES:
        raise InputError(f"unknown cache namespace '{ns}'{did_you_mean(ns, list(NAMESPACES))} "
                         f"(namespaces: {', '.join(NAMESPACES)})", field="--namespace")
    if args.scorer:
        if ns not in (None, "scores"):
            raise InputError(f"selects entries of the scores namespace, not of '{ns}'", field="--scorer")
        ns = "scores"
    directory = Path(args.cache_dir).expanduser() if args.cache_dir else default_cache_dir()
    try:
        with Store(directory) as store:
            if args.action == "clear":
                n = store.clear(ns, args.scorer)
                old = len(remove_files(directory, store=False)) if ns is None else 0
                what = f" ('{args.scorer}')" if args.scorer else (f" ({ns})" if ns else "")
                weights = _remove_lm_weights(directory) if ns is None else 0
                print(f"cleared {n} cached entr{'y' if n == 1 else 'ies'}{what} from {store.path}"
                      + (f"; removed {old} file(s) of the old cache layout" if old else "")
                      + (f"; removed {weights} dequantised LM model folder(s)" if weights else ""))
                return 0
            st = store.stats()
    except (ConfigError, sqlite3.DatabaseError) as exc:
        if args.action != "clear" or ns is not None:
            if isinstance(exc, ConfigError):
                raise
            raise ConfigError(f"the cache {directory / 'cache.sqlite3'} is damaged: {exc} (run 'evalharness "
                              "cache clear')", field="--cache-dir") from None
        # too damaged to open or to delete from (a garbled header or page): clearing everything
        # means removing its files
        removed = remove_files(directory)
        _remove_lm_weights(directory)
        print(f"cleared the cache at {directory}: it was too damaged to read, so its {len(removed)} file(s) "
              "were removed")
        return 0
    old = legacy_files(directory)
    if args.json:
        data = st.to_json()
        if ns:
            data["namespaces"] = {ns: data["namespaces"][ns]}
        data["old_layout_files"] = len(old)
        models, size = _lm_weights(directory)
        data["lm_weights"] = {"folders": len(models), "size_bytes": size}
        print(json.dumps(data, indent=2))
        return 0
    print(f"cache: {st.path}")
    print(f"entries: {st.entries} ({st.size_bytes / 1e6:.1f} MB)")
    for name, s in st.namespaces.items():
        if ns and name != ns:
            continue
        tags = ", ".join(f"{t}: {n}" for t, n in s.by_tag.items())
        print(f"  {name}: {s.entries}" + (f" ({tags})" if tags else ""))
    models, size = _lm_weights(directory)
    if models:
        print(f"lm weights: {len(models)} dequantised model folder(s) ({size / 1e6:.1f} MB) in {directory / 'lm'}")
    if old:
        print(f"old cache layout: {len(old)} file(s) no longer read ('evalharness cache clear' removes them)")
    return 0


def _lm_weights(directory):
    """The dequantised LM weights kept in ``<cache>/lm/`` (folders, total bytes)."""
    root = directory / "lm"
    if not root.is_dir():
        return [], 0
    models = [d for d in root.iterdir() if d.is_dir()]
    return models, sum(f.stat().st_size for d in models for f in d.rglob("*") if f.is_file())


def _remove_lm_weights(directory) -> int:
    import shutil
    models, _ = _lm_weights(directory)
    for d in models:
        shutil.rmtree(d, ignore_errors=True)
    root = directory / "lm"
    if root.is_dir() and not any(root.iterdir()):
        root.rmdir()
    return len(models)
