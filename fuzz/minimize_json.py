#!/usr/bin/env python3
"""Shrinks the JSON form of a fuzz finding (what `cargo run --example decode` writes) while
the check still fails with a message matching PATTERN: removes array items and object keys,
and replaces numbers by short ones (0, 1, rounded values), until nothing more can go.
libFuzzer's own `tmin` shrinks bytes; this shrinks the JSON structure, which is what a
regression file under ampflux-core/tests/data/fuzz/ should be.

usage: fuzz/minimize_json.py TARGET INPUT.json OUTPUT.json [PATTERN]
  PATTERN (a regular expression) defaults to the first 40 characters of the original
  violation, digits replaced by wildcards. The oracle is fuzz/target/release/examples/decode
  (built when missing), so a panic inside ampflux-core counts as a failure too.
"""
import json, os, re, subprocess, sys

FUZZ = os.path.dirname(os.path.abspath(__file__))
DECODE = os.path.join(FUZZ, "target", "release", "examples", "decode")


def check(target, text):
    """The failure text of the check of `text` ('' when it passes)."""
    path = os.path.join("/tmp", "ampflux-minimize-%d.json" % os.getpid())
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    p = subprocess.run([DECODE, target, path], capture_output=True, text=True)
    os.unlink(path)
    if p.returncode != 0:  # a panic
        return "panic: " + p.stderr[-2000:]
    for line in p.stderr.splitlines():
        if line.startswith("check of the input:"):
            rest = line.split(":", 1)[1].strip()
            return "" if rest == "Ok(())" else rest
    return ""


def candidates(v):
    """Smaller variants of `v`, one edit each, smallest first."""
    if isinstance(v, dict):
        for k in list(v):
            w = dict(v)
            del w[k]
            yield w
        for k in list(v):
            for c in candidates(v[k]):
                w = dict(v)
                w[k] = c
                yield w
    elif isinstance(v, list):
        for i in range(len(v)):
            yield v[:i] + v[i + 1:]
        for i in range(len(v)):
            for c in candidates(v[i]):
                yield v[:i] + [c] + v[i + 1:]
    elif isinstance(v, float) and v == v and abs(v) != float("inf"):
        for c in (0.0, 1.0, float(round(v)), float("%.3g" % v)):
            if c != v and len(repr(c)) < len(repr(v)):
                yield c


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    target, src, out = sys.argv[1:4]
    if not os.path.exists(DECODE):
        subprocess.run(["cargo", "build", "-q", "--release", "--example", "decode"], cwd=FUZZ, check=True)
    with open(src, encoding="utf-8") as f:
        doc = json.load(f)
    first = check(target, json.dumps(doc))
    if not first:
        sys.exit("the input passes its check: nothing to minimize")
    pattern = sys.argv[4] if len(sys.argv) > 4 else re.sub(r"[0-9.e+-]+", ".*", re.escape(first[:40]).replace("\\", ""))
    print("failure:", first[:300])
    print("pattern:", pattern)
    rx = re.compile(pattern, re.S)
    changed = True
    while changed:
        changed = False
        for c in candidates(doc):
            if rx.search(check(target, json.dumps(c))):
                doc = c
                changed = True
                print("size", len(json.dumps(doc)), flush=True)
                break
    with open(out, "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    print("minimized:", check(target, json.dumps(doc))[:300])


if __name__ == "__main__":
    main()
