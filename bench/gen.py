#!/usr/bin/python3
"""Deterministic generator of synthetic coded projects for the qdx benchmarks.

Writes one project in two forms with the same content:
  <out>/<name>.qdpx   REFI-QDA archive: project.qde (valid against Project-mrt2019.xsd)
                      plus sources/<GUID>.txt (UTF-8, CRLF line endings, no BOM) and,
                      with --media-mb, one video member sources/<GUID>.mp4
  <out>/<name>.json   qdx canonical JSON (schemas/FORMAT.md), laid out as qdx writes it
                      (with --media-mb the video is referenced by "href" to
                      <name>.media/<GUID>.mp4 beside the JSON; --no-json skips the JSON)

The project: --sources text sources, each with --excerpts text selections (one sentence of
multilingual text each: Latin with diacritics, Greek, Cyrillic, Arabic, Hebrew, Devanagari,
CJK, Hangul, and characters outside the BMP: emoji, Gothic, CJK extension B), coded with
1..3 codes (cycling 1,2,3, so two codings per excerpt on average) until exactly --codings
codings exist; --themes codes in a tree (--top top-level codes, --fanout children each);
three users; two variables with a value on every source. Offsets count code points over
the text as stored (CRLF counts two).

Two switches reach the paths that word-aligned Latin text never does (the REFI reader's
word-boundary check and its search for a better offset profile, issue 15):
  --text cjk          sources in Chinese and Japanese, written without spaces between words,
                      sentences run together in paragraphs of eight (CRLF between paragraphs);
  --selections inside every selection starts 1-3 code points after its sentence's start and ends
                      1-3 before its end, i.e. inside words (the default 'sentences' selects
                      whole sentences). Everything is a function of the arguments: ids are
counters spread by a multiplicative hash and formatted as GUIDs, there is no clock and no
randomness other than a seeded PRNG for the media bytes.

Standard library only; written for speed (about 10^6 codings in 15-25 s on one core):
text is built from a pool of pre-escaped sentences, output goes through large buffers.

  /usr/bin/python3 bench/gen.py --codings 1000000 --out bench/out --name p1e6
  /usr/bin/python3 bench/gen.py --codings 0 --sources 1 --excerpts 0 --media-mb 1024 --name media1g
"""

import argparse
import io
import os
import random
import sys
import zipfile
import zlib

# ---------------------------------------------------------------------------------------------
# Text pool. Each entry is one sentence; none contains CR/LF (CRLF separates them in a source).
SENTENCES = [
    "The interviewer asked how the programme had changed daily life in the village.",
    "Ella dijo que la formación «no servía de nada» sin un trabajo después — y tenía razón.",
    "Η συμμετοχή στις συναντήσεις ήταν χαμηλή τον χειμώνα, όπως είπε η συντονίστρια.",
    "Он сказал: «Мы не знали, куда обращаться, пока не пришли волонтёры».",
    "قالت إن المنظمات المحلية كانت أول من قدم المساعدة للعائلات.",
    "היא סיפרה שהקהילה התארגנה לבד לפני שהגיעה התמיכה מהעירייה.",
    "उन्होंने कहा कि प्रशिक्षण के बाद भी नौकरी मिलना मुश्किल था।",
    "受访者表示，社区中心在周末开放后，参与人数明显增加。",
    "参加者は「最初は不安だったが、仲間ができて安心した」と話した。",
    "응답자는 지원 센터가 너무 멀어서 자주 갈 수 없었다고 말했다.",
    "Participant 12 laughed 😂 and said the app 📱 was \"useless without signal\" 📶.",
    "Ancient script test: 𐌰𐌱𐌲𐌳 (Gothic) and 𠀀𠀁𠀂 (CJK ext. B) & math 𝔸𝔹ℂ < done >.",
    "Sie meinte, dass die Beratungsstelle „viel zu spät“ geöffnet habe.",
    "Elle a ajouté : « on n'a jamais été consultés » — une remarque fréquente.",
    "Tüm katılımcılar, eğitimin ardından güvenlerinin arttığını belirtti.",
    "Uczestnicy podkreślali, że zaufanie do instytucji rośnie powoli.",
    "The coordinator noted that attendance doubled after transport was provided 🚌.",
    "Bà ấy nói rằng chương trình đã giúp gia đình có thêm thu nhập ổn định.",
    "Waliripoti kwamba mafunzo yaliwasaidia kupata kazi katika mji.",
    "ผู้ให้ข้อมูลกล่าวว่าการสนับสนุนจากชุมชนมีความสำคัญมาก",
    "She paused for a long time, then said: 'it was the first time someone listened' 🙏🏽.",
    "Ο ερωτώμενος ανέφερε ότι τα έξοδα μεταφοράς ήταν το μεγαλύτερο εμπόδιο.",
    "Respondents described the hotline as \"always busy\" & hard to reach at night.",
    "ولفت إلى أن النساء واجهن صعوبات أكبر في الوصول إلى الخدمات 👩‍👧.",
]
# --text cjk: no spaces between words, no Latin letters; sentences of at least 8 code points.
CJK_SENTENCES = [
    "受访者表示社区中心在周末开放后参与人数明显增加。",
    "参加者は最初は不安だったが仲間ができて安心したと話した。",
    "她说培训之后找工作仍然很困难但是邻居们互相帮助。",
    "調査員は村の日常生活がどう変わったかを尋ねた。",
    "协调员指出提供交通之后出席人数翻了一番。",
    "支援センターが遠すぎて頻繁には行けなかったと述べた。",
    "他们说地方组织是第一个向家庭提供帮助的。",
    "女性はサービスを利用する上でより大きな困難に直面した。",
    "参与者强调对机构的信任增长得很慢𠀀𠀁。",
    "彼女は長い間黙ってから初めて誰かが聞いてくれたと言った。",
    "热线总是占线晚上很难打通。",
    "交通費が最大の障害だったと回答者は述べた。",
]
PARA_OPEN = "Interview transcript, section {n} — notes kept verbatim."
CJK_PARA_OPEN = "访谈记录第{n}部分逐字记录。"


def xml_escape(s, attr=False):
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if attr:
        s = s.replace('"', "&quot;")
    return s


def json_escape(s):
    """JSON string body (no quotes) as qdx writes it: UTF-8 kept, only what JSON requires escaped."""
    out = s.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return "".join(c if ord(c) >= 0x20 else "\\u%04x" % ord(c) for c in out) if any(ord(c) < 0x20 for c in out) else out


# ---------------------------------------------------------------------------------------------
# Identifiers: a kind and a counter, spread by a multiplicative hash, formatted as a GUID.
MASK64 = (1 << 64) - 1


def guid(kind, i):
    h = ((i + 1) * 0x9E3779B97F4A7C15 + kind * 0xC2B2AE3D27D4EB4F) & MASK64
    return "%08X-%04X-4%03X-8%03X-%012X" % (h >> 32, kind, (h >> 20) & 0xFFF, (h >> 8) & 0xFFF, i)


K_USER, K_THEME, K_ATTR, K_SOURCE, K_EXCERPT, K_CODING, K_PROJECT, K_MEDIA = range(1, 9)


class Buffered:
    """Collects str pieces and writes them as UTF-8 in large chunks to a binary sink."""

    def __init__(self, sink, limit=1 << 22):
        self.sink, self.limit, self.parts, self.size = sink, limit, [], 0

    def write(self, s):
        self.parts.append(s)
        self.size += len(s)
        if self.size >= self.limit:
            self.flush()

    def flush(self):
        if self.parts:
            self.sink.write("".join(self.parts).encode("utf-8"))
            self.parts, self.size = [], 0


# ---------------------------------------------------------------------------------------------
class Project:
    def __init__(self, a):
        self.a = a
        self.pool = CJK_SENTENCES if a.text == "cjk" else SENTENCES
        self.para_open = CJK_PARA_OPEN if a.text == "cjk" else PARA_OPEN
        # what follows sentence k of a source: CRLF, or (cjk) nothing inside a paragraph of eight
        self.sep = (lambda k: "\r\n" if k % 8 == 7 else "") if a.text == "cjk" else (lambda k: "\r\n")
        self.users = [(guid(K_USER, i), n) for i, n in enumerate(["Ana Pérez", "Ли Мин", "Jō Tanaka 🌸"])]
        self.project_id = guid(K_PROJECT, 0)
        self.dates = ["2023-%02d-%02dT%02d:%02d:%02dZ" % (1 + i % 12, 1 + i % 28, i % 24, (i * 7) % 60, (i * 13) % 60)
                      for i in range(97)]
        # themes: a tree, parent index or -1
        t, top, fan = a.themes, min(a.top, a.themes), a.fanout
        self.themes = []
        for i in range(t):
            parent = -1 if i < top else (i - top) // fan
            self.themes.append((guid(K_THEME, i), "Theme %d %s" % (i, ["·", "ü", "ж", "語", "🧭"][i % 5]), parent,
                                "#%02X%02X%02X" % ((i * 53) & 255, (i * 97) & 255, (i * 191) & 255)))
        self.children = [[] for _ in self.themes]
        self.roots = []
        for i, t in enumerate(self.themes):
            (self.roots if t[2] < 0 else self.children[t[2]]).append(i)
        self.attrs = [(guid(K_ATTR, 0), "Language", "Text", "text"), (guid(K_ATTR, 1), "Wave", "Integer", "integer")]
        self.langs = ["es", "el", "ru", "ar", "he", "hi", "zh", "ja", "ko", "en", "de", "fr", "tr", "pl", "vi", "sw", "th"]
        # sentence pool: code point lengths, XML and JSON forms, excerpt names
        self.s_len = [len(s) for s in self.pool]
        self.s_xml = [xml_escape(s) for s in self.pool]
        self.s_json = [json_escape(s) for s in self.pool]
        names = [s[:40] + ("…" if len(s) > 40 else "") for s in self.pool]
        self.n_xml = [xml_escape(n, True) for n in names]
        self.n_json = [json_escape(n) for n in names]

    def preorder(self):
        """Theme indices in document order of the nested REFI code tree (what a reader meets)."""
        out, stack = [], list(reversed(self.roots))
        while stack:
            i = stack.pop()
            out.append(i)
            stack.extend(reversed(self.children[i]))
        return out

    def source_layout(self, s, n_ex):
        """Sentence indices and (start, end) code point offsets of each excerpt of source s."""
        P = len(self.pool)
        head = self.para_open.format(n=s + 1)
        pos = len(head) + 2
        idx, spans = [], []
        inside = self.a.selections == "inside"
        for k in range(n_ex):
            j = (s * 7 + k * 5 + (k >> 3)) % P
            idx.append(j)
            e = pos + self.s_len[j]
            if inside:           # 1-3 code points in from each end: inside the first and last word
                spans.append((pos + 1 + k % 3, e - 1 - (k >> 1) % 3))
            else:
                spans.append((pos, e))
            pos = e + len(self.sep(k))
        return head, idx, spans

    def tail(self, n):
        """The CRLF that ends a text whose last sentence has no separator of its own (cjk)."""
        return "\r\n" if n and not self.sep(n - 1) else ""

    def text_xml_free(self, head, idx):
        """The source text (for the .txt member): header CRLF sentence separator ... (ends with CRLF)."""
        return head + "\r\n" + "".join(self.pool[j] + self.sep(k) for k, j in enumerate(idx)) + self.tail(len(idx))

    def text_json(self, head, idx):
        return (json_escape(head) + "\\r\\n" + "".join(self.s_json[j] + json_escape(self.sep(k)) for k, j in enumerate(idx))
                + json_escape(self.tail(len(idx))))


def distribute(a):
    """Excerpt counts per source and coding count per excerpt, totalling exactly a.codings."""
    # codings per excerpt cycle 1,2,3; excerpts fill sources in order, a.excerpts each
    n_ex, total, counts = 0, 0, []
    while total < a.codings:
        c = 1 + n_ex % 3
        c = min(c, a.codings - total)
        counts.append(c)
        total += c
        n_ex += 1
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--codings", type=float, default=1e4, help="total codings (exact; 1e6 accepted)")
    ap.add_argument("--excerpts", type=int, default=200, help="excerpts per source")
    ap.add_argument("--sources", type=int, default=0, help="sources (default: as many as the excerpts need)")
    ap.add_argument("--themes", type=int, default=300)
    ap.add_argument("--top", type=int, default=12, help="top-level themes")
    ap.add_argument("--fanout", type=int, default=4, help="children per theme below the top level")
    ap.add_argument("--media-mb", type=int, default=0, help="add a video source with a member of N MiB")
    ap.add_argument("--media-deflate", action="store_true", help="deflate the video member (default: stored)")
    ap.add_argument("--level", type=int, default=6, help="deflate level of project.qde and the texts (default 6)")
    ap.add_argument("--text", choices=["mixed", "cjk"], default="mixed",
                    help="mixed: sentences in many scripts, one per line (default); cjk: Chinese and Japanese "
                         "without spaces, eight sentences to a paragraph")
    ap.add_argument("--selections", choices=["sentences", "inside"], default="sentences",
                    help="sentences: each selection is one whole sentence (default); inside: it starts and ends "
                         "inside words")
    ap.add_argument("--no-json", action="store_true")
    ap.add_argument("--no-qdpx", action="store_true")
    ap.add_argument("--out", default="bench/out")
    ap.add_argument("--name", default=None)
    a = ap.parse_args()
    a.codings = int(a.codings)
    if a.themes < 3:
        ap.error("--themes must be at least 3 (an excerpt has up to three codings of distinct themes)")
    counts = distribute(a)
    n_ex_total = len(counts)
    need = (n_ex_total + a.excerpts - 1) // a.excerpts if a.excerpts else 0
    if a.sources < need:
        a.sources = max(need, 1 if a.media_mb == 0 else 0)
    if a.name is None:
        a.name = "p%d" % a.codings
    os.makedirs(a.out, exist_ok=True)
    p = Project(a)
    # excerpts per source
    ex_per_source = []
    left = n_ex_total
    for s in range(a.sources):
        n = min(a.excerpts, left) if s < a.sources - 1 else left
        ex_per_source.append(n)
        left -= n
    media = None
    if a.media_mb:
        media = (guid(K_MEDIA, 0), "Focus group 3 (video) 🎥.mp4", a.media_mb << 20)
    jobs = []
    if not a.no_qdpx:
        jobs.append(lambda: write_qdpx(p, a, counts, ex_per_source, media, os.path.join(a.out, a.name + ".qdpx")))
    if not a.no_json:
        jobs.append(lambda: write_json(p, a, counts, ex_per_source, media, os.path.join(a.out, a.name + ".json")))
    # the two forms are independent: write them in two processes (the machine has cores to spare)
    pids = []
    for job in jobs[1:]:
        pid = os.fork()
        if pid == 0:
            try:
                job()
            except BaseException:
                import traceback
                traceback.print_exc()
                os._exit(1)
            os._exit(0)
        pids.append(pid)
    if jobs:
        jobs[0]()
    for pid in pids:
        if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0:
            sys.exit("gen.py: writing the JSON failed")


# ---------------------------------------------------------------------------------------------
def media_chunks(total, seed=20230430):
    """total bytes of incompressible, deterministic data: 8 PRNG blocks of 1 MiB cycled with a
    per-MiB header (deflate cannot reach back further than 32 KiB, so it finds nothing)."""
    rng = random.Random(seed)
    blocks = [rng.getrandbits(8 << 20).to_bytes(1 << 20, "little") for _ in range(8)]
    done, i = 0, 0
    while done < total:
        n = min(1 << 20, total - done)
        b = blocks[(i * 5 + (i >> 3)) % 8]
        chunk = i.to_bytes(8, "little") + b[8:n] if n > 8 else b[:n]
        yield chunk
        done += n
        i += 1


def write_qdpx(p, a, counts, ex_per_source, media, path):
    tmp = path + ".tmp"
    users = p.users
    dates = p.dates
    nd = len(dates)
    themes = p.themes
    T = len(themes)
    step = 1 + T // 3          # the codings of one excerpt have distinct themes
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=a.level, allowZip64=True) as z:
        texts = []
        zi = zipfile.ZipInfo("project.qde", date_time=(2023, 4, 30, 0, 0, 0))
        zi.compress_type = zipfile.ZIP_DEFLATED
        zi._compresslevel = a.level
        with z.open(zi, "w", force_zip64=True) as raw:
            w = Buffered(raw)
            w.write('<?xml version="1.0" encoding="utf-8"?>\n'
                    '<Project xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                    'xsi:schemaLocation="urn:QDA-XML:project:1.0 http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd" '
                    'name="%s" origin="qdx-bench gen.py" creatingUserGUID="%s" creationDateTime="%s">\n'
                    % (xml_escape("Synthetic project %s — ünïcødé 🧪" % a.name, True), users[0][0], dates[0]))
            w.write("  <Users>\n")
            for g, n in users:
                w.write('    <User guid="%s" name="%s"/>\n' % (g, xml_escape(n, True)))
            w.write("  </Users>\n  <CodeBook>\n    <Codes>\n")
            children, roots = p.children, p.roots

            def code(i, ind):
                g, n, _, col = themes[i]
                head = '%s<Code guid="%s" name="%s" isCodable="true" color="%s">' % (ind, g, xml_escape(n, True), col)
                w.write(head + "\n%s  <Description>Synthetic theme %d &amp; its notes</Description>\n" % (ind, i))
                for c in children[i]:
                    code(c, ind + "  ")
                w.write(ind + "</Code>\n")
            for r in roots:
                code(r, "      ")
            w.write("    </Codes>\n  </CodeBook>\n  <Variables>\n")
            for g, n, xt, _ in p.attrs:
                w.write('    <Variable guid="%s" name="%s" typeOfVariable="%s"/>\n' % (g, n, xt))
            w.write("  </Variables>\n  <Sources>\n")
            ex = 0
            cod = 0
            u0, u1, u2 = users[0][0], users[1][0], users[2][0]
            ulist = [u0, u1, u2]
            tg = [t[0] for t in themes]
            for s, n_ex in enumerate(ex_per_source):
                sg = guid(K_SOURCE, s)
                head, idx, spans = p.source_layout(s, n_ex)
                su = ulist[s % 3]
                w.write('    <TextSource guid="%s" name="Interview %05d" plainTextPath="internal://%s.txt" '
                        'creatingUser="%s" creationDateTime="%s">\n' % (sg, s + 1, sg, su, dates[s % nd]))
                parts = []
                for k in range(n_ex):
                    j = idx[k]
                    st, en = spans[k]
                    eg = guid(K_EXCERPT, ex)
                    parts.append('      <PlainTextSelection guid="%s" name="%s" startPosition="%d" endPosition="%d" '
                                 'creatingUser="%s" creationDateTime="%s">\n'
                                 % (eg, p.n_xml[j], st, en, su, dates[ex % nd]))
                    base = ((ex + 1) * 2654435761 >> 7) % T
                    for c in range(counts[ex]):
                        th = tg[(base + c * step) % T]
                        parts.append('        <Coding guid="%s" creatingUser="%s" creationDateTime="%s">'
                                     '<CodeRef targetGUID="%s"/></Coding>\n'
                                     % (guid(K_CODING, cod), ulist[cod % 3], dates[cod % nd], th))
                        cod += 1
                    parts.append("      </PlainTextSelection>\n")
                    ex += 1
                w.write("".join(parts))
                w.write('      <VariableValue><VariableRef targetGUID="%s"/><TextValue>%s</TextValue></VariableValue>\n'
                        '      <VariableValue><VariableRef targetGUID="%s"/><IntegerValue>%d</IntegerValue></VariableValue>\n'
                        '    </TextSource>\n' % (p.attrs[0][0], p.langs[s % len(p.langs)], p.attrs[1][0], 1 + s % 4))
                texts.append((sg, head, idx))
            if media:
                mg, mn, _ = media
                w.write('    <VideoSource guid="%s" name="%s" path="internal://%s.mp4" creatingUser="%s" '
                        'creationDateTime="%s"/>\n' % (mg, xml_escape(mn, True), mg, u0, dates[1]))
            w.write("  </Sources>\n</Project>\n")
            w.flush()
        for sg, head, idx in texts:
            zi = zipfile.ZipInfo("sources/%s.txt" % sg, date_time=(2023, 4, 30, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi._compresslevel = a.level
            z.writestr(zi, p.text_xml_free(head, idx).encode("utf-8"))
        if media:
            mg, _, size = media
            zi = zipfile.ZipInfo("sources/%s.mp4" % mg, date_time=(2023, 4, 30, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED if a.media_deflate else zipfile.ZIP_STORED
            zi._compresslevel = a.level
            with z.open(zi, "w", force_zip64=True) as out:
                for chunk in media_chunks(size):
                    out.write(chunk)
    os.replace(tmp, path)


def write_json(p, a, counts, ex_per_source, media, path):
    tmp = path + ".tmp"
    users = p.users
    dates = p.dates
    nd = len(dates)
    themes = p.themes
    T = len(themes)
    step = 1 + T // 3          # the codings of one excerpt have distinct themes
    with open(tmp, "wb") as raw:
        w = Buffered(raw)
        w.write('{\n  "qdx": "1.0",\n  "project": {\n    "name": "%s",\n    "origin": "qdx-bench gen.py",\n'
                '    "audit": {\n      "creator": "%s",\n      "created": "%s"\n    }\n  },\n  "users": [\n'
                % (json_escape("Synthetic project %s — ünïcødé 🧪" % a.name), users[0][0], dates[0]))
        w.write(",\n".join('    {\n      "id": "%s",\n      "name": "%s"\n    }' % (g, json_escape(n)) for g, n in users))
        w.write("\n  ],\n  \"themes\": [\n")
        tparts = []
        for i in p.preorder():
            g, n, par, col = themes[i]
            tparts.append('    {\n      "id": "%s",\n      "name": "%s",\n%s      "color": "%s",\n'
                          '      "description": "Synthetic theme %d & its notes"\n    }'
                          % (g, json_escape(n), '      "parent": "%s",\n' % themes[par][0] if par >= 0 else "", col, i))
        w.write(",\n".join(tparts))
        w.write("\n  ],\n  \"attributes\": [\n")
        w.write(",\n".join('    {\n      "id": "%s",\n      "name": "%s",\n      "type": "%s"\n    }' % (g, n, jt)
                           for g, n, _, jt in p.attrs))
        w.write("\n  ],\n  \"sources\": [\n")
        ulist = [u[0] for u in users]
        layouts = []
        first = True
        for s, n_ex in enumerate(ex_per_source):
            sg = guid(K_SOURCE, s)
            head, idx, spans = p.source_layout(s, n_ex)
            layouts.append((sg, idx, spans))
            w.write(('' if first else ',\n') +
                    '    {\n      "id": "%s",\n      "name": "Interview %05d",\n      "kind": "text",\n'
                    '      "text": "%s",\n      "path": "internal://%s.txt",\n'
                    '      "values": [\n        {\n          "attribute": "%s",\n          "value": "%s"\n        },\n'
                    '        {\n          "attribute": "%s",\n          "value": "%d"\n        }\n      ],\n'
                    '      "audit": {\n        "creator": "%s",\n        "created": "%s"\n      }\n    }'
                    % (sg, s + 1, p.text_json(head, idx), sg, p.attrs[0][0], p.langs[s % len(p.langs)],
                       p.attrs[1][0], 1 + s % 4, ulist[s % 3], dates[s % nd]))
            first = False
        if media:
            mg, mn, size = media
            mdir = a.name + ".media"
            os.makedirs(os.path.join(os.path.dirname(path), mdir), exist_ok=True)
            with open(os.path.join(os.path.dirname(path), mdir, mg + ".mp4"), "wb") as f:
                for chunk in media_chunks(size):
                    f.write(chunk)
            w.write(('' if first else ',\n') +
                    '    {\n      "id": "%s",\n      "name": "%s",\n      "kind": "video",\n'
                    '      "content": {\n        "mediaType": "video/mp4",\n        "size": %d,\n        "href": "%s/%s.mp4"\n      },\n'
                    '      "mediaType": "video/mp4",\n      "path": "internal://%s.mp4",\n'
                    '      "audit": {\n        "creator": "%s",\n        "created": "%s"\n      }\n    }'
                    % (mg, json_escape(mn), size, mdir, mg, mg, ulist[0], dates[1]))
        w.write("\n  ],\n  \"excerpts\": [\n")
        ex = 0
        cod = 0
        tg = [t[0] for t in themes]
        for s, (sg, idx, spans) in enumerate(layouts):
            su = ulist[s % 3]
            parts = []
            for k in range(len(idx)):
                st, en = spans[k]
                parts.append('%s    {\n      "id": "%s",\n      "source": "%s",\n      "name": "%s",\n'
                             '      "anchor": {\n        "type": "text",\n        "start": %d,\n        "end": %d\n      },\n'
                             '      "codings": [\n'
                             % ("" if ex == 0 else ",\n", guid(K_EXCERPT, ex), sg, p.n_json[idx[k]], st, en))
                cparts = []
                base = ((ex + 1) * 2654435761 >> 7) % T
                for c in range(counts[ex]):
                    th = tg[(base + c * step) % T]
                    cparts.append('        {\n          "id": "%s",\n          "theme": "%s",\n'
                                  '          "creator": "%s",\n          "created": "%s"\n        }'
                                  % (guid(K_CODING, cod), th, ulist[cod % 3], dates[cod % nd]))
                    cod += 1
                parts.append(",\n".join(cparts))
                parts.append('\n      ],\n      "audit": {\n        "creator": "%s",\n        "created": "%s"\n      }\n    }'
                             % (su, dates[ex % nd]))
                ex += 1
            w.write("".join(parts))
        w.write('\n  ],\n  "memos": [],\n  "cases": [],\n  "sets": []\n}\n')
        w.flush()
    os.replace(tmp, path)


if __name__ == "__main__":
    main()
