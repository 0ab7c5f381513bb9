#!/usr/bin/python3
"""Counts the entities of every REFI-QDA corpus file independently of qdx
(lxml over the XML), to hard-code the expectations of test_corpus.cpp.
Run once by hand: /usr/bin/python3 tests/refi/count_corpus.py $QDX_CORPUS"""
import sys, zipfile, glob, os
from lxml import etree

def local(t): return etree.QName(t).localname

def load(path):
    if zipfile.is_zipfile(path):
        z = zipfile.ZipFile(path)
        qde = [n for n in z.namelist() if '/' not in n and n.lower().endswith('.qde')]
        return etree.fromstring(z.read(qde[0]))
    return etree.parse(path).getroot()

root = sys.argv[1]
for path in sorted(glob.glob(root + '/refi/**/*.qd*', recursive=True)):
    r = load(path)
    c = {}
    def n(name): return sum(1 for e in r.iter() if isinstance(e.tag, str) and local(e.tag) == name)
    kinds = {k: n(k) for k in ['TextSource', 'PDFSource', 'PictureSource', 'AudioSource', 'VideoSource']}
    # a Coding directly under a source element is an excerpt of the whole source
    src_codings = sum(1 for e in r.iter() if isinstance(e.tag, str) and local(e.tag) == 'Coding'
                      and local(e.getparent().tag) in kinds)
    sel_text = sum(1 for e in r.iter() if isinstance(e.tag, str) and local(e.tag) == 'PlainTextSelection'
                   and local(e.getparent().tag) != 'Note')
    sels = {k: n(k) for k in ['PDFSelection', 'PictureSelection', 'AudioSelection', 'VideoSelection', 'TranscriptSelection']}
    print(os.path.relpath(path, root), dict(
        text=kinds['TextSource'], pdf=kinds['PDFSource'], picture=kinds['PictureSource'], audio=kinds['AudioSource'],
        video=kinds['VideoSource'], textSel=sel_text, **sels, sourceCodings=src_codings, codings=n('Coding'),
        codes=n('Code'), notes=n('Note'), sets=n('Set'), users=n('User'), cases=n('Case'), variables=n('Variable'),
        transcripts=n('Transcript'), syncPoints=n('SyncPoint'), links=n('Link'), graphs=n('Graph')))
