"""Versions from Python: digest, diff, apply, merge and History."""

from __future__ import annotations

import json
import pickle

import pytest

import ampflux


def test_digest_is_canonical(small: ampflux.Network) -> None:
    doc = small.to_dict()
    doc["buses"] = list(reversed(doc["buses"]))
    shuffled = ampflux.Network.from_dict(doc)
    assert shuffled.digest() == small.digest() and len(small.digest()) == 64
    assert shuffled.canonical_json() == small.canonical_json()


def test_diff_apply_round_trip(small: ampflux.Network) -> None:
    other = small.copy()
    other.add_bus("X", vn_kv=0.4)
    other.add_line("C2", from_bus="G", to_bus="X", length_km=0.05, r_ohm_per_km=0.2,
                   x_ohm_per_km=0.08)
    changes = small.diff(other)
    assert len(changes) == 2 and bool(changes) and not changes.is_empty()
    assert "X" in changes.summary()
    assert {c["op"] for c in changes.changes} == {"added"}
    assert small.apply(changes) == other
    assert small.apply(changes.to_json()) == other
    assert small.apply(changes.changes) == other
    assert ampflux.ChangeSet.from_json(changes.to_json()) == changes
    assert pickle.loads(pickle.dumps(changes)) == changes
    assert small.diff(small).is_empty()


def test_three_way_merge(small: ampflux.Network) -> None:
    ours = ampflux.Network.from_dict({**small.to_dict(), "name": "ours"})
    theirs = small.copy()
    theirs.add_bus("X", vn_kv=0.4)
    merged = ampflux.merge(small, ours, theirs)
    assert merged.ok and merged.conflicts == []
    assert "X" in merged.network and merged.network.name == "ours"
    assert len(merged.applied) == 1
    d1, d2 = small.to_dict(), small.to_dict()
    d1["lines"][0]["length_km"] = 0.2
    d2["lines"][0]["length_km"] = 0.3
    clash = ampflux.merge(small, ampflux.Network.from_dict(d1), ampflux.Network.from_dict(d2))
    assert not clash.ok
    c = clash.conflicts[0]
    assert (c["id"], c["field"], c["ours"], c["theirs"]) == ("C1", "length_km", 0.2, 0.3)


def test_history(small: ampflux.Network) -> None:
    h = ampflux.History()
    assert len(h) == 0 and h.head() is None
    r1 = h.commit(small, author="ana", message="initial", timestamp="2026-01-01T00:00:00Z")
    bigger = small.copy()
    bigger.add_bus("X", vn_kv=0.4)
    r2 = h.commit(bigger, author="ana", message="add X")
    assert len(h) == 2 and h.head()["id"] == r2  # type: ignore[index]
    assert h.revisions()[0]["parents"] == [] and h.revisions()[1]["parents"] == [r1]
    assert h.revisions()[1]["timestamp"].endswith("+00:00")
    # checkouts come back in canonical form (tables sorted by id): the same circuit
    assert h.checkout(r1).digest() == small.digest()
    assert h.checkout(r2[:10]).digest() == bigger.digest()
    assert h.revisions()[0]["digest"] == small.digest()
    r3 = h.restore(r1, author="bo", message="back", timestamp="2026-01-03T00:00:00Z")
    assert h.checkout(r3).digest() == small.digest()
    back = ampflux.History.from_json(h.to_json())
    assert [r["id"] for r in back.revisions()] == [r1, r2, r3]
    assert pickle.loads(pickle.dumps(h)).to_json() == h.to_json()
    with pytest.raises(ampflux.ConflictError):
        h.checkout("ffffffff")


def test_history_merge(small: ampflux.Network) -> None:
    h = ampflux.History()
    base = h.commit(small, "a", "base", "t0")
    d = small.to_dict()
    d["lines"][0]["length_km"] = 0.2
    ours = h.commit(ampflux.Network.from_dict(d), "a", "longer cable", "t1")
    # a second branch off base
    h2 = ampflux.History.from_json(h.to_json())
    theirs_net = small.copy()
    theirs_net.add_bus("X", vn_kv=0.4)
    theirs = h2.commit(theirs_net, "b", "add X", "t3", parents=[base[:12]])
    assert h2.common_ancestor(ours, theirs) == base
    result = h2.merge(ours, theirs, "c", "merge", "t4")
    assert result.ok and result.revision is not None
    merged = h2.checkout(result.revision)
    assert "X" in merged and merged.elements("lines")[0]["length_km"] == 0.2
    parents = [r for r in h2.revisions() if r["id"] == result.revision][0]["parents"]
    assert parents == [ours, theirs]
    assert json.loads(h2.to_json())
