#!/usr/bin/env python3
"""Derive epci_history.tsv: earlier EPCI names and SIRENs, mapped to today's EPCI.

Plan documents keep naming intercommunalities as they were called when written ("CA du
Grand Besançon", "CC du Pays de Lunel"). The earlier releases of the npm package
`@etalab/decoupage-administratif` (MIT, same source as epci.tsv) hold those names. Each
release's package/data/epci.json is read and compared with today's epci.tsv:

  (a) same SIREN, other name: renamed, the row maps the SIREN to itself with the old name;
  (b) SIREN gone: merged or absorbed, the row maps it to the current EPCI that holds more
      than half of its former member communes. A member code that is no longer a current
      commune is followed through `anciensCodes` / `chefLieu` of the newest release's
      communes.json (communes nouvelles). If fewer than half of the members can be placed,
      or no EPCI holds more than half of those placed, the row is skipped and counted.

A name is kept once per (ancien_code, ancien_nom), with the latest release it was seen in.
Rows whose old name equals today's name of the target EPCI are skipped, and so are names
the release garbled ("?" in place of a letter). Output is sorted by code then ancien_nom.

usage:
  python3 data/cog/derive_epci_history.py                # runs `npm pack` for every
      # published version (`npm view @etalab/decoupage-administratif versions`) into a
      # temporary directory, removed afterwards
  python3 data/cog/derive_epci_history.py DIR            # DIR holds the tarballs
      # (etalab-decoupage-administratif-X.tgz) or their extractions (DIR/X/package/...)
options: --out PATH (default data/cog/epci_history.tsv next to this script)
Counts go to stderr. Python 3 standard library only.
"""
import csv
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter

PACKAGE = "@etalab/decoupage-administratif"
HERE = os.path.dirname(os.path.abspath(__file__))
SIREN = re.compile(r"^\d{9}$")


def version_key(v):
    """Semver order, a pre-release (0.9.0-5) before its release (0.9.0)."""
    main, _, pre = v.partition("-")
    nums = [int(p) if p.isdigit() else 0 for p in main.split(".")]
    pre_key = [int(p) if p.isdigit() else 0 for p in pre.split(".")] if pre else []
    return (nums, 0 if pre else 1, pre_key)


class Release:
    """One release: its version and a way to read package/<path> as JSON."""

    def __init__(self, version, reader):
        self.version = version
        self._reader = reader

    def json(self, path):
        data = self._reader(path)
        return None if data is None else json.loads(data)


def tarball_release(path):
    tar = tarfile.open(path, "r:gz")
    names = set(tar.getnames())

    def reader(p):
        name = "package/" + p
        if name not in names:
            return None
        return tar.extractfile(name).read().decode("utf-8")

    pkg = json.loads(reader("package.json"))
    return Release(pkg["version"], reader)


def dir_release(path):
    def reader(p):
        full = os.path.join(path, "package", p)
        if not os.path.isfile(full):
            return None
        with open(full, encoding="utf-8") as f:
            return f.read()

    pkg = json.loads(reader("package.json"))
    return Release(pkg["version"], reader)


def load_releases(directory):
    releases = {}
    for name in sorted(os.listdir(directory)):
        full = os.path.join(directory, name)
        if name.endswith(".tgz") and os.path.isfile(full):
            r = tarball_release(full)
        elif os.path.isfile(os.path.join(full, "package", "package.json")):
            r = dir_release(full)
        else:
            continue
        releases.setdefault(r.version, r)
    return [releases[v] for v in sorted(releases, key=version_key)]


def npm_pack_all(directory):
    out = subprocess.run(["npm", "view", PACKAGE, "versions", "--json"], check=True,
                         capture_output=True, text=True).stdout
    versions = json.loads(out)
    if isinstance(versions, str):
        versions = [versions]
    for v in versions:
        subprocess.run(["npm", "pack", "--silent", f"{PACKAGE}@{v}"], cwd=directory,
                       check=True, stdout=subprocess.DEVNULL)


def epcis_of(release):
    """{siren: (nom, [member INSEE codes])}, or None when the release has no epci.json.

    Releases seen so far hold a list of {code, nom, type, membres: [{code, siren, nom}]};
    a mapping keyed by SIREN and bare member codes are accepted too. Entries without a
    nine-digit SIREN or a name (5.0.0 has one {"code": "undefined"}) are left out.
    """
    data = release.json("data/epci.json")
    if data is None:
        return None
    if isinstance(data, dict):
        data = [dict(v, code=v.get("code", k)) for k, v in data.items()]
    out = {}
    for e in data:
        code, nom = str(e.get("code", "")), e.get("nom")
        if not SIREN.match(code) or not nom:
            continue
        members = []
        for m in e.get("membres") or []:
            m = m.get("code") if isinstance(m, dict) else m
            if m and m != "undefined":
                members.append(str(m))
        out[code] = (nom.strip(), members)
    return out


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


def successor_map(releases, current_communes):
    """Former commune code -> current commune code, from the newest communes.json."""
    for r in reversed(releases):
        data = r.json("data/communes.json")
        if data is None:
            continue
        succ = {}
        for c in data:
            code = c.get("code")
            if c.get("type") == "commune-actuelle":
                for old in c.get("anciensCodes") or []:
                    succ.setdefault(old, code)
            elif c.get("chefLieu") and c.get("chefLieu") in current_communes:
                succ.setdefault(code, c["chefLieu"])
        return {k: v for k, v in succ.items() if k not in current_communes}
    return {}


def main():
    args = sys.argv[1:]
    out_path = os.path.join(HERE, "epci_history.tsv")
    if "--out" in args:
        i = args.index("--out")
        out_path = args[i + 1]
        del args[i:i + 2]

    current = {r["code"]: r for r in read_tsv(os.path.join(HERE, "epci.tsv"))}
    communes = {r["code"] for r in read_tsv(os.path.join(HERE, "communes.tsv"))}
    epci_of = {}
    for code, r in current.items():
        for m in r["membres"].split(","):
            if m:
                epci_of[m] = code

    tmp = None
    if args:
        directory = args[0]
    else:
        tmp = tempfile.TemporaryDirectory(prefix="epci-history-")
        directory = tmp.name
        npm_pack_all(directory)
    releases = load_releases(directory)
    successor = successor_map(releases, communes)

    # (ancien_code, ancien_nom) -> (latest version, members in that version)
    seen = {}
    used, no_epci = [], []
    for r in releases:
        epcis = epcis_of(r)
        if epcis is None:
            no_epci.append(r.version)
            continue
        used.append(r.version)
        for code, (nom, members) in epcis.items():
            if code in current and nom == current[code]["nom"]:
                continue
            seen[(code, nom)] = (r.version, members)
    if tmp is not None:
        tmp.cleanup()

    counts = Counter()
    rows = []
    for (old_code, old_nom), (version, members) in seen.items():
        if "?" in old_nom or "\ufffd" in old_nom:
            counts["skipped: garbled name"] += 1
            continue
        if old_code in current:
            target, kind = old_code, "renamed"
        else:
            kind = "merged"
            placed = Counter()
            for m in members:
                m = m if m in epci_of else successor.get(m, m)
                if m in epci_of:
                    placed[epci_of[m]] += 1
            n_placed = sum(placed.values())
            if n_placed == 0:
                counts["skipped: no member found today"] += 1
                continue
            target, best = placed.most_common(1)[0]
            if 2 * n_placed < len(members) or 2 * best <= n_placed:
                counts["skipped: no majority"] += 1
                print(f"no majority: {old_code} {old_nom} ({version}): "
                      f"{dict(placed.most_common())} of {len(members)}", file=sys.stderr)
                continue
        if old_nom == current[target]["nom"] and old_code == target:
            counts[f"skipped: {kind}, same name as today"] += 1
            continue
        counts[kind] += 1
        rows.append((old_code, old_nom, target, version))

    rows.sort(key=lambda r: (r[2], r[1], r[0]))
    with open(out_path, "w", encoding="utf-8", newline="") as f:
        f.write("ancien_code\tancien_nom\tcode\tversion\n")
        for row in rows:
            f.write("\t".join(row) + "\n")

    print(f"releases read: {', '.join(used)}", file=sys.stderr)
    if no_epci:
        print(f"releases without data/epci.json (skipped): {', '.join(no_epci)}",
              file=sys.stderr)
    for k in sorted(counts):
        print(f"{k}: {counts[k]}", file=sys.stderr)
    print(f"rows written: {len(rows)} -> {out_path}", file=sys.stderr)


if __name__ == "__main__":
    main()
