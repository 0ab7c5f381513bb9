#!/usr/bin/python3
"""Writes a synthetic .qdpx with N codings (default 10^6) for the performance
measurement in plugins/refi/README.md:  /usr/bin/python3 make_big.py OUT.qdpx [N]"""
import sys, zipfile, random

out = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
random.seed(1)
words = ['alpha', 'beta', 'gamma', 'delta', 'épsilon', 'zeta', 'eta', 'theta', '😀']
text = ' '.join(random.choice(words) for _ in range(200_000)) + '\n'
L = len(text)
codes = 200
def g(k, i): return f'{k:08X}-0000-4000-8000-{i:012X}'
with zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED) as z:
    with z.open('project.qde', 'w', force_zip64=True) as f:
        w = lambda s: f.write(s.encode('utf-8'))
        w('<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="urn:QDA-XML:project:1.0" name="big" origin="MAXQDA 24">\n')
        w(f'<Users><User guid="{g(1, 1)}" name="u"/></Users>\n<CodeBook><Codes>\n')
        for c in range(codes):
            w(f'<Code guid="{g(2, c)}" name="code {c}" isCodable="true" color="#ef8256"/>\n')
        w('</Codes></CodeBook>\n<Sources>\n')
        w(f'<TextSource guid="{g(3, 0)}" name="doc" plainTextPath="internal://{g(3, 0)}.txt">\n')
        buf = []
        for i in range(n):
            s = random.randrange(0, L - 200)
            buf.append(f'<PlainTextSelection guid="{g(4, i)}" startPosition="{s}" endPosition="{s + random.randrange(1, 200)}" '
                       f'creatingUser="{g(1, 1)}" creationDateTime="2024-01-01T00:00:00Z">'
                       f'<Coding guid="{g(5, i)}" creatingUser="{g(1, 1)}"><CodeRef targetGUID="{g(2, i % codes)}"/></Coding>'
                       f'</PlainTextSelection>\n')
            if len(buf) == 10000:
                w(''.join(buf)); buf = []
        w(''.join(buf))
        w('</TextSource>\n</Sources>\n</Project>\n')
    z.writestr(f'sources/{g(3, 0)}.txt', text)
