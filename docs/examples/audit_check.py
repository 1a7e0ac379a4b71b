#!/usr/bin/env python3
"""Checks prizegen's audit log and Merkle roots without prizegen: standard library only.

    python3 audit_check.py LOG DRAWS [DRAW_ID]

LOG is the audit log (`GET /api/v1/audit` pages, or one entry per line); DRAWS the draws of
the revealed seeds (`GET /api/v1/draws/export?seed_hash=…`, one per line). It recomputes every
entry's hash, each revealed seed's Merkle root over its draws, and, for DRAW_ID, the draw's
inclusion proof; it prints each value and exits 1 at the first that does not match.
"""
import hashlib
import json
import sys


def canonical(value):
    """RFC 8785 for the values prizegen writes (no fractions): sorted keys, no whitespace."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256(data):
    return hashlib.sha256(data).digest()


def leaf(draw):
    """A draw's leaf: the API's draw without `player` and `fairness.server_seed`."""
    draw = json.loads(json.dumps(draw))
    draw.pop("player", None)
    draw["fairness"].pop("server_seed", None)
    return canonical(draw).encode()


def leaf_hash(draw):
    return sha256(b"\x00" + leaf(draw))


def node(left, right):
    return sha256(b"\x01" + left + right)


def root(hashes):
    """RFC 6962: split at the largest power of two below n."""
    if not hashes:
        return sha256(b"")
    if len(hashes) == 1:
        return hashes[0]
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    return node(root(hashes[:k]), root(hashes[k:]))


def path(hashes, index):
    """The inclusion proof of leaf `index`: sibling hashes from the leaf up."""
    if len(hashes) <= 1:
        return []
    k = 1
    while k * 2 < len(hashes):
        k *= 2
    if index < k:
        return path(hashes[:k], index) + [root(hashes[k:])]
    return path(hashes[k:], index - k) + [root(hashes[:k])]


def check_proof(leaf_h, index, size, proof, expected):
    """RFC 9162 §2.1.3.2."""
    fn, sn, r = index, size - 1, leaf_h
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn:
                fn >>= 1
                sn >>= 1
        else:
            r = node(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == expected


def values(path_):
    """Every JSON value in a file: one document, or one per line."""
    text = open(path_, encoding="utf-8").read()
    decoder, at = json.JSONDecoder(), 0
    while at < len(text):
        while at < len(text) and text[at].isspace():
            at += 1
        if at == len(text):
            break
        value, at = decoder.raw_decode(text, at)
        yield value


def fail(message):
    print("ALTERED:", message)
    sys.exit(1)


def main(log_file, draws_file, draw_id=None):
    entries = []
    for value in values(log_file):
        entries.extend(value["entries"] if isinstance(value, dict) and "entries" in value else
                       value if isinstance(value, list) else [value])
    prev, late = "00" * 32, {}
    reveals = []
    for n, e in enumerate(entries, start=1):
        if e["seq"] != n:
            fail(f"entry {n} is missing")
        if e["prev_hash"] != prev:
            fail(f"entry {n}: prev_hash is not entry {n - 1}'s hash")
        text = canonical({k: e[k] for k in ("seq", "at_ms", "kind", "subject", "details")})
        h = sha256(bytes.fromhex(prev) + text.encode()).hex()
        print(f"entry {n} {e['kind']}: {text}")
        print(f"  hash = SHA-256({prev[:8]}… ‖ entry) = {h}")
        if h != e["hash"]:
            fail(f"entry {n}: recorded hash {e['hash']}")
        if e["kind"] == "seed.sealed":
            reveals.append(e)
        if e["kind"] == "draw.claimed-after-reveal":
            late[e["details"]["draw_id"]] = e["details"]["leaf_hash"]
        prev = h
    draws = list(values(draws_file))
    for e in reveals:
        seed = e["subject"]
        mine = sorted((d for d in draws if d["fairness"]["seed_hash"] == seed and d["id"] not in late),
                      key=lambda d: d["fairness"]["nonce"])
        hashes = [leaf_hash(d) for d in mine]
        for d, lh in zip(mine, hashes):
            print(f"leaf {d['fairness']['nonce']} ({d['id']}): {leaf(d).decode()}")
            print(f"  leaf hash = SHA-256(0x00 ‖ leaf) = {lh.hex()}")
        r = root(hashes).hex()
        print(f"seed {seed[:8]}…: {len(mine)} draws, root {r}")
        if (len(mine), r) != (e["details"]["draws"], e["details"]["merkle_root"]):
            fail(f"seed {seed}: entry {e['seq']} recorded {e['details']['draws']} draws, root "
                 f"{e['details']['merkle_root']}")
        for d in mine:
            if d["id"] == draw_id:
                i = mine.index(d)
                proof = path(hashes, i)
                print(f"proof of {draw_id}: index {i} of {len(mine)}, path {[p.hex() for p in proof]}")
                if not check_proof(hashes[i], i, len(mine), proof, bytes.fromhex(r)):
                    fail("the proof does not lead to the root")
    print(f"ok: {len(entries)} entries chain, head {prev}; {len(reveals)} roots match")


if __name__ == "__main__":
    main(*sys.argv[1:])
