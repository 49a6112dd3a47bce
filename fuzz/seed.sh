#!/usr/bin/env bash
# Builds the seed corpora of the fuzz targets under fuzz/corpus/<target>/ (not committed) and
# the JSON dictionary fuzz/corpus/json.dict, from
#   - the 49 reference cases exported by the testkit (target/testdata/cases/*/network.json and
#     options.json; exported first when missing),
#   - the small anchor grids (target/testdata/anchors/case9.json, case30.json),
#   - examples/networks/*.json and ampflux-core/tests/data/*.json (including its v0 document),
#   - the hand-made seeds under fuzz/seeds/<target>/ and earlier regression inputs
#     ampflux-core/tests/data/fuzz/<target>-*.json.
# The study seeds are cases {"network", "options"}; the versions seeds pairs and triples of
# networks; the upgrade seeds the networks rewritten as version-0 documents.
#
# usage: fuzz/seed.sh        (environment: MAX_BYTES, default 20000: larger seeds are skipped)
set -euo pipefail
FUZZ="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$FUZZ")"
if [ ! -d "$ROOT/target/testdata/cases" ]; then
    (cd "$ROOT" && cargo run --release -q -p ampflux-testkit --bin ampflux-testkit -- export target/testdata)
fi
exec python3 - "$ROOT" "$FUZZ" "${MAX_BYTES:-20000}" <<'PY'
import glob, hashlib, json, os, sys

root, fuzz, max_bytes = sys.argv[1], sys.argv[2], int(sys.argv[3])
corpus = os.path.join(fuzz, "corpus")
counts = {}

def put(target, text):
    data = text.encode() if isinstance(text, str) else text
    if len(data) > max_bytes:
        return
    d = os.path.join(corpus, target)
    os.makedirs(d, exist_ok=True)
    path = os.path.join(d, hashlib.sha1(data).hexdigest())
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
        counts[target] = counts.get(target, 0) + 1

def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)

def compact(v):
    return json.dumps(v, separators=(",", ":"), ensure_ascii=False)

def as_v0(doc):
    doc = dict(doc)
    for new, old in (("transformers", "trafos"), ("transformers3w", "trafos3w"), ("frequency_hz", "f_hz")):
        if new in doc:
            doc[old] = doc.pop(new)
    if isinstance(doc.get("lines"), list):
        doc["lines"] = [
            {("end_temp_degc" if k == "endtemp_degree" else k): v for k, v in l.items()} if isinstance(l, dict) else l
            for l in doc["lines"]
        ]
    doc["version"] = 0
    return doc

cases = []
for d in sorted(glob.glob(os.path.join(root, "target/testdata/cases/*"))):
    net = load(os.path.join(d, "network.json"))
    opts = os.path.join(d, "options.json")
    cases.append((os.path.basename(d), net, load(opts) if os.path.exists(opts) else None))

networks = [(name, net) for name, net, _ in cases]
for p in ["target/testdata/anchors/case9.json", "target/testdata/anchors/case30.json"]:
    p = os.path.join(root, p)
    if os.path.exists(p):
        networks.append((os.path.basename(p), load(p)))
for p in sorted(glob.glob(os.path.join(root, "examples/networks/*.json")) +
                glob.glob(os.path.join(root, "ampflux-core/tests/data/*.json"))):
    networks.append((os.path.basename(p), load(p)))

# reader: every network as written, compact, and as version 0
for _, net in networks:
    put("reader", json.dumps(net, indent=1, ensure_ascii=False))
    put("reader", compact(net))
    put("reader", compact(as_v0(net)))

# study: the reference cases with their options, and every network alone (all fault types)
for _, net, opts in cases:
    put("study", compact({"network": net, "options": opts}))
for _, net in networks:
    put("study", compact(net))

# versions: consecutive networks (same circuit with other options, or two circuits), triples
nets = [n for _, n in networks]
for i in range(len(nets) - 1):
    put("versions", compact([nets[i], nets[i + 1]]))
for i in range(0, len(nets) - 2, 3):
    put("versions", compact([nets[i], nets[i + 1], nets[i + 2]]))
for _, net in networks:
    put("versions", compact(net))

# upgrade: every network as a version-0 document
for _, net in networks:
    put("upgrade", compact(as_v0(net)))

# hand-made seeds and the saved regression inputs
for target in ("reader", "study", "versions", "upgrade"):
    for p in sorted(glob.glob(os.path.join(fuzz, "seeds", target, "*"))):
        with open(p, "rb") as f:
            put(target, f.read())
    for p in sorted(glob.glob(os.path.join(root, "ampflux-core/tests/data/fuzz", target + "-*.json"))):
        with open(p, "rb") as f:
            put(target, f.read())

# dictionary: every key of the seeds, the v0 names, the option values
keys = set()
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            keys.add(k)
            walk(x)
    elif isinstance(v, list):
        for x in v:
            walk(x)
for _, net, opts in cases:
    walk(net)
    walk(opts)
for _, net in networks:
    walk(net)
keys |= {"trafos", "trafos3w", "f_hz", "end_temp_degc", "network", "options", "version", "format", "meta"}
words = sorted('"%s"' % k for k in keys)
words += ['"3ph"', '"2ph"', '"1ph"', '"2phe"', '"min"', '"max"', '"classical"', '"meshed"', '"radial"',
          '"conservative"', '"full_converter"', '"doubly_fed"', '"asynchronous"', '"ampflux-network"',
          '"Dyn5"', '"YNd11"', '"YNyn0d5"', '"hv"', '"lv"', "true", "false", "null", "1e308", "-0.0", "0"]
os.makedirs(corpus, exist_ok=True)
with open(os.path.join(corpus, "json.dict"), "w") as f:
    for i, w in enumerate(words):
        f.write("kw%d=%s\n" % (i, json.dumps(w)))
for target in ("reader", "study", "versions", "upgrade"):
    n = len(os.listdir(os.path.join(corpus, target)))
    print("seed.sh: %-8s %4d new seeds, %5d files in corpus/%s" % (target, counts.get(target, 0), n, target))
PY
