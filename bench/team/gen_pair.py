#!/usr/bin/python3
"""Two coders' projects of the same documents, for the `qdx agree` / `qdx merge` benchmark.

Writes <out>/<name>-a.json and <out>/<name>-b.json (canonical JSON): the same sources (texts
from bench/gen.py's multilingual sentence pool, with characters outside the BMP), --codings
codings by coder A, one per excerpt, 200 per source, over --themes themes in a tree; coder B's
derived from A's with a seeded PRNG: 70% the same, 15% with shifted boundaries, 5% dropped,
5% on another theme, 5% the same plus one more coding elsewhere. B's texts have CRLF line
endings (A's LF), as between two tools, so every offset of B is mapped (--same-text: LF both).

  /usr/bin/python3 bench/team/gen_pair.py --codings 1000000 --out bench/out/team --name t1e6
"""
import argparse
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from gen import SENTENCES, Buffered, json_escape  # noqa: E402

PER_SOURCE = 200


def theme_tree(n, top=12, fanout=4):
    themes = []
    for i in range(n):
        parent = -1 if i < top else (i - top) // fanout
        themes.append(("T-%d" % i, "Theme %d %s" % (i, ["·", "ü", "ж", "語", "🧭"][i % 5]), parent))
    return themes


def layout(s, newline):
    """Sentence indices, the text (JSON-escaped), and each sentence's span in code points."""
    head = "Interview transcript %d — notes kept verbatim." % (s + 1)
    pos = len(head) + len(newline)
    parts = [json_escape(head + newline)]
    spans = []
    for k in range(PER_SOURCE):
        j = (s * 7 + k * 5 + (k >> 3)) % len(SENTENCES)
        sentence = SENTENCES[j]
        spans.append((pos, pos + len(sentence)))
        parts.append(json_escape(sentence + newline))
        pos += len(sentence) + len(newline)
    return "".join(parts), spans, pos


def codings_a(n, n_themes):
    """(source, first sentence, sentences, theme, start shift, end shift) for each coding of coder A."""
    out = []
    for i in range(n):
        s, k = divmod(i, PER_SOURCE)
        width = 1 + (i % 7 == 0) + (i % 11 == 0)  # some codings span two or three sentences
        out.append((s, k, min(width, PER_SOURCE - k), (s * 31 + k * 17) % n_themes, 0, 0))
    return out


def codings_b(a, n_themes, seed=20230430):
    rng = random.Random(seed)
    out = []
    for s, k, w, t, _, _ in a:
        r = rng.random()
        if r < 0.70:
            out.append((s, k, w, t, 0, 0))
        elif r < 0.85:
            out.append((s, k, w, t, rng.randint(-20, 20), rng.randint(-20, 20)))
        elif r < 0.90:
            continue
        elif r < 0.95:
            out.append((s, k, w, (t + 1) % n_themes, 0, 0))
        else:
            out.append((s, k, w, t, 0, 0))
            out.append((s, rng.randrange(PER_SOURCE), 1, rng.randrange(n_themes), 0, 0))
    return out


def write(path, user, themes, n_sources, codings, newline):
    with open(path, "wb") as f:
        w = Buffered(f)
        w.write('{"qdx":"1.0","project":{"name":"Agreement benchmark, %s"},' % user)
        w.write('"users":[{"id":"U-%s","name":"%s"}],"themes":[' % (user, user))
        w.write(",".join('{"id":"%s","name":"%s"%s}' % (i, json_escape(n), ',"parent":"T-%d"' % p if p >= 0 else "")
                         for i, n, p in themes))
        w.write('],"sources":[')
        spans = []
        for s in range(n_sources):
            text, sp, length = layout(s, newline)
            spans.append((sp, length))
            w.write('%s{"id":"S-%s-%d","name":"Interview %d","kind":"text","text":"%s"}' % ("," if s else "", user, s, s + 1, text))
        w.write('],"excerpts":[')
        for n, (s, k, width, t, ds, de) in enumerate(codings):
            sp, length = spans[s]
            start = min(max(0, sp[k][0] + ds), length - 1)
            end = max(min(length, sp[k + width - 1][1] + de), start + 1)
            w.write('%s{"id":"E-%s-%d","source":"S-%s-%d","anchor":{"type":"text","start":%d,"end":%d},'
                    '"codings":[{"id":"C-%s-%d","theme":"%s","creator":"U-%s"}]}'
                    % ("," if n else "", user, n, user, s, start, end, user, n, themes[t][0], user))
        w.write("]}\n")
        w.flush()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--codings", type=float, default=1e4, help="coder A's codings (1e6 accepted)")
    ap.add_argument("--themes", type=int, default=300)
    ap.add_argument("--same-text", action="store_true", help="LF texts in both files")
    ap.add_argument("--out", default="bench/out/team")
    ap.add_argument("--name", default=None)
    args = ap.parse_args()
    n = int(args.codings)
    name = args.name or "t%d" % n
    os.makedirs(args.out, exist_ok=True)
    themes = theme_tree(args.themes)
    a = codings_a(n, len(themes))
    b = codings_b(a, len(themes))
    n_sources = max(1, (n + PER_SOURCE - 1) // PER_SOURCE)
    write(os.path.join(args.out, name + "-a.json"), "Ana", themes, n_sources, a, "\n")
    write(os.path.join(args.out, name + "-b.json"), "Bo", themes, n_sources, b, "\n" if args.same_text else "\r\n")
    print("%s: %d + %d codings, %d sources, %d themes" % (name, len(a), len(b), n_sources, len(themes)))


if __name__ == "__main__":
    main()
