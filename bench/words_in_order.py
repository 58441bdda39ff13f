"""How many of a plan's words a reading gives in the plan's order: the measure that
bench/producers.py and bench/slides_and_sheets.py print for each rendering."""
import difflib
import os
import re
import subprocess


def words(text):
    return re.findall(r"\w+", text.lower())


def measure(binary, plans, path_of, strip_markup=False):
    """The share of the plans' words (corpus/<plan>) that `binary text` gives in order
    from each plan's file `path_of(plan)` (the longest common subsequence of words), over
    all plans, and per plan as printable figures (`-` for a file that is not there).
    `strip_markup` leaves the corpus text's inline markup (`<ul style=…>`) out."""
    kept = total = 0
    per_plan = []
    for plan in plans:
        path = path_of(plan)
        if not os.path.exists(path):
            per_plan.append("-")
            continue
        text = open(os.path.join("corpus", plan), encoding="utf-8").read()
        ref = words(re.sub(r"<[^>]+>", " ", text) if strip_markup else text)
        got = words(subprocess.run([binary, "text", path], capture_output=True,
                                   text=True).stdout)
        matched = difflib.SequenceMatcher(None, ref, got, autojunk=False)
        same = sum(b.size for b in matched.get_matching_blocks())
        kept += same
        total += len(ref)
        per_plan.append(f"{100 * same / max(1, len(ref)):.1f}")
    return 100 * kept / max(1, total), per_plan
