"""``evalharness cache stats|clear``: inspect or empty the persistent score cache."""

from __future__ import annotations

import json

ORDER = 60


def add_parser(sub) -> None:
    p = sub.add_parser("cache", help="show or clear the persistent score cache")
    p.add_argument("action", choices=("stats", "clear"), help="stats: where it is, how big; clear: empty it")
    p.add_argument("--cache-dir", metavar="DIR", help="cache folder (default: the user cache folder)")
    p.add_argument("--scorer", metavar="NAME", help="clear: only this scorer's entries")
    p.add_argument("--json", action="store_true", help="stats: print JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    from ..cache import ScoreCache

    with ScoreCache(args.cache_dir) as cache:
        if args.action == "clear":
            n = cache.clear(args.scorer)
            what = f"'{args.scorer}' " if args.scorer else ""
            print(f"cleared {n} {what}cached score(s) from {cache.path}")
            return 0
        st = cache.stats()
    if args.json:
        print(json.dumps(st.to_json(), indent=2))
        return 0
    print(f"cache: {st.path}")
    print(f"entries: {st.entries} ({st.size_bytes / 1e6:.1f} MB)")
    for name, n in st.by_scorer.items():
        print(f"  {name}: {n}")
    return 0
