#!/usr/bin/env python3
"""Compare the answers of two maillage binaries on one corpus, request by request.

A refactoring must not change what users get. This builds an index of CORPUS with each
binary, asks both the same fixed requests (the bench query mix, the glossary, entities,
each entity's page, its territories and graph, the documents) as JSON, and prints every
request whose answer differs (timings left out).

    python3 bench/compare_answers.py BEFORE AFTER CORPUS [--work DIR]

A search whose answer says its total is a lower bound (past the exact count) is compared on
everything else: its hits, in order, and the rest of the answer; the total and facet counts
are then only checked not to exceed the exact ones (and not compared at all when both
answers are lower bounds: where counting stops varies from run to run). One that says only
its facet counts are lower bounds (a filter keeping few plans, past the exact count) is
compared on everything but the facets, whose counts must not exceed the exact ones.

With --index-before / --index-after, existing indexes are used instead of building them
(the binaries must read the same index format).

Exit status 1 when some answer differs.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def run(binary, index, *args):
    # `graph` prints JSON by default, and binaries before `--format graphml` take no --json.
    json_flag = [] if args[0] == "graph" else ["--json"]
    out = subprocess.run([binary, *args, "--index", index, *json_flag],
                         capture_output=True, text=True)
    if out.returncode != 0:
        return {"exit": out.returncode, "stderr": out.stderr.strip()}
    value = json.loads(out.stdout)
    if isinstance(value, dict):
        value.pop("took_ms", None)
    return value


def counts(facets):
    return {(group, f["value"]): f["count"]
            for group in ("territory", "kind") for f in facets.get(group, [])}


def same(before, after):
    """Equal answers; a lower-bound total only needs to stay within the exact one."""
    if not (isinstance(before, dict) and isinstance(after, dict)):
        return before == after
    b, a = dict(before), dict(after)
    lower = a.pop("total_is_lower_bound", False)
    lower_before = b.pop("total_is_lower_bound", False)
    facets_lower = a.pop("facets_are_lower_bounds", False)
    facets_lower_before = b.pop("facets_are_lower_bounds", False)
    if not lower and facets_lower:
        # Past the exact count only the plans a filter keeps were read: the total is
        # exact, the facet counts of the other plans no larger than the exact ones.
        bf, af = counts(b.pop("facets", {})), counts(a.pop("facets", {}))
        if facets_lower_before:
            # Two sets of lower bounds: segments searched at once reach the exact count
            # at slightly different points from one run to the next, even with one
            # binary. The total and the hits compare.
            return a == b
        if any(n > bf[k] for k, n in af.items() if k in bf):
            return False
        return a == b
    if not lower:
        return a == b
    total_after, total_before = a.pop("total"), b.pop("total")
    bf, af = counts(b.pop("facets", {})), counts(a.pop("facets", {}))
    if lower_before:
        # Two lower bounds: segments searched at once stop counting at slightly different
        # points from one run to the next, even with one binary. Only the hits compare.
        return a == b
    if total_after > total_before:
        return False
    if any(n > bf[k] for k, n in af.items() if k in bf):
        return False
    return a == b


def requests(binary, index):
    mix = os.path.join(HERE, "..", "data", "bench_queries.txt")
    for line in open(mix, encoding="utf-8"):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("territory="):
            line = line[len("territory="):]
            yield ("search", line, "--territory", "31")
        else:
            yield ("search", line)
        yield ("search", line, "--offset", "10")
    yield ("acronyms",)
    yield ("documents",)
    entities = run(binary, index, "entities", "--limit", "25")
    yield ("entities", "--limit", "1000")
    # A bare list before entities were paged.
    listed = entities if isinstance(entities, list) else entities.get("entities", [])
    for e in listed:
        yield ("entity", e["id"])
        yield ("territories", "--entity", e["id"])
        yield ("graph", "--entity", e["id"], "--depth", "2")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("corpus")
    parser.add_argument("--work", default=None)
    parser.add_argument("--index-before", default=None)
    parser.add_argument("--index-after", default=None)
    a = parser.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="compare-")
    indexes = {"before": a.index_before, "after": a.index_after}
    for name, binary in (("before", a.before), ("after", a.after)):
        if indexes[name]:
            continue
        index = os.path.join(work, name)
        subprocess.run([binary, "index", "--corpus", a.corpus, "--index", index],
                       check=True, capture_output=True)
        indexes[name] = index
    lower_bounds = 0
    differ = 0
    total = 0
    for request in requests(a.before, indexes["before"]):
        total += 1
        before = run(a.before, indexes["before"], *request)
        after = run(a.after, indexes["after"], *request)
        if isinstance(after, dict) and after.get("total_is_lower_bound"):
            lower_bounds += 1
        if not same(before, after):
            differ += 1
            print("differs:", " ".join(request))
    print(f"{total} requests, {differ} answers differ "
          f"({lower_bounds} totals given as lower bounds)")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
