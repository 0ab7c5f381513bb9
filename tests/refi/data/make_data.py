#!/usr/bin/python3
"""Writes the tiny synthetic look-alikes of real-tool quirks used by
tests/refi (every byte here is made up; none comes from a real export).
Run from this folder: /usr/bin/python3 make_data.py"""
import zipfile

def zwrite(name, members):
    with zipfile.ZipFile(name, 'w', zipfile.ZIP_DEFLATED) as z:
        for n, data in members:
            z.writestr(zipfile.ZipInfo(n, (2024, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)

def u16(text, i):   # code-point index -> UTF-16 unit index
    return len(text[:i].encode('utf-16-le')) // 2

def crlf1(text, i): # code-point index -> index with CR LF counted once
    return i - text[:i].count('\r\n')

# --- NVivo for Windows: Sources/, BOM + CRLF txt, UTF-16 offsets, empty Descriptions, name="" --------
t = 'Hello \U0001F600 world\r\nSecond line \U0001F600 end\r\n'
spans = [('world', t.index('world')), ('Second', t.index('Second')), ('end', t.index('end'))]
sel = ''.join(
    f'<PlainTextSelection guid="0b7e1c2a-1111-4a4a-9a9a-00000000000{k}" name="" startPosition="{u16(t, s)}" '
    f'endPosition="{u16(t, s + len(w))}" creatingUser="7d0c1f62-0000-4000-8000-000000000001" '
    f'creationDateTime="2024-01-01T00:00:00Z"><Description /><Coding guid="0b7e1c2a-2222-4a4a-9a9a-00000000000{k}" '
    f'creatingUser="7d0c1f62-0000-4000-8000-000000000001"><CodeRef targetGUID="5a1d0000-0000-4000-8000-00000000000{k % 2}" />'
    f'</Coding></PlainTextSelection>' for k, (w, s) in enumerate(spans))
qde = f'''<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="Untitled" origin="NVivo for Windows 12.6" basePath="" xmlns="urn:QDA-XML:project:1.0">
  <Users><User guid="7d0c1f62-0000-4000-8000-000000000001" name="someone" /></Users>
  <CodeBook><Codes>
    <Code guid="5a1d0000-0000-4000-8000-000000000000" name="Greeting" isCodable="true"><Description />
      <Code guid="5a1d0000-0000-4000-8000-000000000001" name="Ending" isCodable="true" /></Code>
  </Codes></CodeBook>
  <Sources><TextSource guid="3c0e0000-0000-4000-8000-000000000001" name="doc" plainTextPath="internal://3c0e0000-0000-4000-8000-000000000001.txt" richTextPath="internal://3c0e0000-0000-4000-8000-000000000001.docx"><Description />{sel}</TextSource></Sources>
</Project>'''
zwrite('nvivo-like.qdpx', [('project.qde', qde),
                           ('Sources/3c0e0000-0000-4000-8000-000000000001.txt', '\ufeff' + t),
                           ('Sources/3c0e0000-0000-4000-8000-000000000001.docx', b'PK-not-really-a-docx')])

# --- ATLAS.ti: project named after the project, CRLF counted once, quotation names, duplicate GUID,
#     PDF representation, relative:// media, Link note->selection, Graph, comment-only selection, sets
t = 'First line\r\nSecond line here\r\nThird \u00e9t\u00e9 line\r\n'
rep = 'Page one text\nGranola is here\n'
def ts(word, guid, name=None, coded=True, desc=None):
    s = t.index(word)
    inner = (f'<Description>{desc}</Description>' if desc else '') + (
        f'<Coding guid="{guid[:-4]}C0DE"><CodeRef targetGUID="AAAA0000-0000-4000-8000-000000000001"/></Coding>' if coded else '')
    return (f'<PlainTextSelection guid="{guid}" name="{name or word}" startPosition="{crlf1(t, s)}" '
            f'endPosition="{crlf1(t, s + len(word))}">{inner}</PlainTextSelection>')
sel1 = ts("Second line here", "CCCC0000-0000-4000-8000-000000000001")
sel2 = ts("Third \u00e9t\u00e9 line", "CCCC0000-0000-4000-8000-000000000002", coded=False, desc="only a comment")
qde = f'''<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<Project xmlns="urn:QDA-XML:project:1.0" origin="ATLAS.ti 8.4.0" name="Skyloom look-alike" basePath="/Users/someone/Media">
<Users><User guid="C32A2BD5-537F-4838-8B17-DF9EFBAFDF4B" name="ATLAS.ti"/></Users>
<CodeBook><Codes>
<Code guid="AAAA0000-0000-4000-8000-000000000001" name="Coke" isCodable="true" color="#F00082"/>
<Code guid="AAAA0000-0000-4000-8000-000000000002" name="Coke::diet Coke" isCodable="true" color="#966450"/>
</Codes></CodeBook>
<Sources>
<TextSource guid="BBBB0000-0000-4000-8000-000000000001" name="doc.txt" plainTextPath="internal://BBBB0000-0000-4000-8000-0000000000F1.txt">
{sel1}
{sel2}
</TextSource>
<PDFSource guid="BBBB0000-0000-4000-8000-000000000002" name="recipe.pdf" path="internal://BBBB0000-0000-4000-8000-000000000002.pdf">
<PDFSelection guid="CCCC0000-0000-4000-8000-000000000003" name="granola" page="0" firstX="1" firstY="2" secondX="30" secondY="40">
<Representation guid="DDDD0000-0000-4000-8000-000000000001"><PlainTextContent>Granola</PlainTextContent></Representation>
<Coding guid="CCCC0000-0000-4000-8000-00000000C003"><CodeRef targetGUID="AAAA0000-0000-4000-8000-000000000002"/></Coding>
</PDFSelection>
<Representation guid="DDDD0000-0000-4000-8000-000000000002" plainTextPath="internal://DDDD0000-0000-4000-8000-000000000002.txt" name="Representation_for_recipe.pdf">
<PlainTextSelection guid="CCCC0000-0000-4000-8000-000000000003" name="Granola" startPosition="{rep.index('Granola')}" endPosition="{rep.index('Granola') + 7}">
<Coding guid="CCCC0000-0000-4000-8000-00000000C004"><CodeRef targetGUID="AAAA0000-0000-4000-8000-000000000002"/></Coding>
</PlainTextSelection>
</Representation>
</PDFSource>
<VideoSource guid="BBBB0000-0000-4000-8000-000000000003" name="" path="relative:///EEEE0000-0000-4000-8000-000000000001.mp4">
<VideoSelection guid="CCCC0000-0000-4000-8000-000000000004" name="00:01 - 00:02" begin="1000" end="2000"/>
<VideoSelection guid="CCCC0000-0000-4000-8000-000000000005" name="instant" begin="3000" end="3000"/>
</VideoSource>
</Sources>
<Notes><Note guid="FFFF0000-0000-4000-8000-000000000001" name="memo"><PlainTextContent>Memo text</PlainTextContent></Note></Notes>
<Links><Link guid="FFFF0000-0000-4000-8000-000000000002" name="Memo-Quotation Relation" direction="OneWay" color="#000000" originGUID="FFFF0000-0000-4000-8000-000000000001" targetGUID="CCCC0000-0000-4000-8000-000000000004"/></Links>
<Sets>
<Set guid="99990000-0000-4000-8000-000000000001" name="gender: male"><MemberSource targetGUID="BBBB0000-0000-4000-8000-000000000001"/></Set>
<Set guid="99990000-0000-4000-8000-000000000002" name="&lt;3"/>
</Sets>
<Graphs><Graph guid="99990000-0000-4000-8000-000000000003" name="net">
<Vertex guid="99990000-0000-4000-8000-000000000004" representedGUID="AAAA0000-0000-4000-8000-000000000001" firstX="1" firstY="1" shape="Oval"/>
<Vertex guid="99990000-0000-4000-8000-000000000005" representedGUID="AAAA0000-0000-4000-8000-000000000002" firstX="5" firstY="5"/>
<Edge guid="99990000-0000-4000-8000-000000000006" sourceVertex="99990000-0000-4000-8000-000000000004" targetVertex="99990000-0000-4000-8000-000000000005" direction="OneWay" lineStyle="solid"/>
</Graph></Graphs>
</Project>'''
zwrite('atlasti-like.qdpx', [('Skyloom look-alike.qde', qde),
                             ('sources/BBBB0000-0000-4000-8000-0000000000F1.txt', t),
                             ('sources/BBBB0000-0000-4000-8000-000000000002.pdf', b'%PDF-1.4 not really a pdf'),
                             ('sources/DDDD0000-0000-4000-8000-000000000002.txt', rep)])

# --- qc: no XML declaration, path without scheme, plain file names, nameless TextSource, digit GUIDs ---
t = 'line one\nline two\nline three\n'
qde = ('<Project xmlns="urn:QDA-XML:project:1.0" origin="qc 1.3.2" name="qc project">'
       '<Users><User name="cp" guid="39633935-3331-3962-6632-373436373264" /></Users>'
       '<CodeBook><Codes><Code name="a" guid="34653336-3766-3235-6466-363134396437" isCodable="true">'
       '<Code name="b" guid="31366536-3938-3831-6231-633830313036" isCodable="true" /></Code></Codes></CodeBook>'
       '<Sources><TextSource guid="33663939-3636-3632-3038-613431643463" plainTextPath="notes_2017.txt">'
       f'<PlainTextSelection guid="31313131-3131-3131-3131-313131313131" name="line:2" startPosition="{t.index("line two")}" endPosition="{t.index("line three")}">'
       '<Coding guid="32323232-3232-3232-3232-323232323232"><CodeRef targetGUID="34653336-3766-3235-6466-363134396437" /></Coding>'
       '<Coding guid="33333333-3333-3333-3333-333333333333"><CodeRef targetGUID="31366536-3938-3831-6231-633830313036" /></Coding>'
       '</PlainTextSelection></TextSource></Sources></Project>')
zwrite('qc-like.qdpx', [('project.qde', qde), ('sources/notes_2017.txt', t)])

# --- Transana: draft namespace, MemberSource guid=, MemberNote text, Set creatingUser, inverted
#     picture rectangle, zone-less dates, NoteRef before SyncPoints, absolute://E:/ with two slashes
qde = '''<?xml version="1.0" encoding="UTF-8"?>
<Project name="project.qde" xmlns="urn:QDA-XML:project:0:10" origin="Transana 3.22b2-QDE-Win" creationDateTime="2014-06-09T00:00:00">
<Users><User guid="fd9946eb-9d77-46dd-a570-c1e6a9e6d1ac" name="Transcriber" /></Users>
<CodeBook><Codes><Code guid="d342cd5e-52d1-4894-a342-7d42ed947797" name="Keyword" isCodable="true" color="#ff0000" /></Codes></CodeBook>
<Sources>
<PictureSource guid="361bcdb8-7d11-4343-a4cd-4130693eff76" name="Snapshot" path="internal://361bcdb8-7d11-4343-a4cd-4130693eff76.png" currentPath="absolute://E:/Data/Images/ch130214.gif">
<PictureSelection guid="7fb68ff9-a352-4fe4-989c-a394105b8e6b" firstX="6" firstY="186" secondX="150" secondY="3">
<Coding guid="01bddbf0-4246-41ea-b2e7-a2405d742703"><CodeRef targetGUID="d342cd5e-52d1-4894-a342-7d42ed947797" /></Coding>
</PictureSelection>
<Coding guid="4ea6df36-56df-4128-ac0d-b15ae16987c8"><CodeRef targetGUID="d342cd5e-52d1-4894-a342-7d42ed947797" /></Coding>
</PictureSource>
<VideoSource guid="2ed3777f-f0b6-448d-b9c5-6a1c4ae5f9d3" name="Episode" path="absolute://E:/Data/Video/Demo.mpg" creationDateTime="2014-06-09T00:00:00">
<Transcript guid="b0d88436-fb9d-49e8-93be-12293ee8d808" name="Transcript 1" creatingUser="fd9946eb-9d77-46dd-a570-c1e6a9e6d1ac">
<PlainTextContent>Hi there. Bye now.</PlainTextContent>
<NoteRef targetGUID="075c0cb6-9519-4952-a30a-e20f0429d01d" />
<SyncPoint guid="9de5364c-b1ca-45c5-8869-cc3e56fea65b" position="0" timeStamp="0" />
<SyncPoint guid="d7c91d8c-77f6-4058-b21e-010a157ba027" position="10" timeStamp="5000" />
<TranscriptSelection guid="ecdbd559-e5d2-45b4-bb60-54e2530de054" name="Clip" fromSyncPoint="9de5364c-b1ca-45c5-8869-cc3e56fea65b" toSyncPoint="d7c91d8c-77f6-4058-b21e-010a157ba027">
<Coding guid="f1d221e5-fa3a-4b9a-865c-7712cd428c62"><CodeRef targetGUID="d342cd5e-52d1-4894-a342-7d42ed947797" /></Coding>
</TranscriptSelection>
</Transcript>
</VideoSource>
</Sources>
<Notes><Note guid="075c0cb6-9519-4952-a30a-e20f0429d01d" name="Transcript Note"><PlainTextContent>a note</PlainTextContent></Note></Notes>
<Sets><Set guid="d238e5bc-2ea3-46ee-9e62-56c148870bff" name="Collection" creatingUser="fd9946eb-9d77-46dd-a570-c1e6a9e6d1ac">
<MemberSource guid="361bcdb8-7d11-4343-a4cd-4130693eff76" />
<MemberNote>075c0cb6-9519-4952-a30a-e20f0429d01d</MemberNote>
</Set></Sets>
</Project>'''
open('transana-like.qde', 'w', encoding='utf-8').write(qde)

# --- codebooks: braced/unbraced GUIDs, colour notations, wrong namespace, empty <Sets/> ---------
open('codebook-like.qdc', 'w', encoding='utf-8').write('''<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1:0" origin="Some tool 1.0"><Codes>
<Code guid="{5215cc69-b628-4e02-afb9-9beeaee55808}" name="Topics" isCodable="false"/>
<Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="Economy" isCodable="1" color="#ff0">
<Description>jobs &amp; taxes</Description>
<Code guid="{7c108712-b650-4892-ac0b-fc9a10190c3b}" name="xsd:element name" isCodable="true" color="#FF000080"/>
<Code guid="12365523-1035-4afa-9e7b-281fe0bc51c5" name="Liberals" isCodable="true" color="rgb(0, 0, 255)"/>
</Code>
</Codes><Sets/></CodeBook>''')

# --- MAXQDA: document variables as a nameless case, values in a source, document groups -----------
t = 'Respondent says yes.\n'
qde = f'''<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="survey" origin="MAXQDA 24 (Release 24.7.0)" modifiedDateTime="2025-06-18T02:18:21Z">
<Users><User guid="A0000000-0000-4000-8000-000000000001" name="me"/></Users>
<CodeBook><Codes><Code guid="A0000000-0000-4000-8000-000000000002" name="yes" isCodable="true" color="#ef8256"/></Codes></CodeBook>
<Variables>
<Variable guid="A0000000-0000-4000-8000-000000000003" name="age" typeOfVariable="Integer"/>
<Variable guid="A0000000-0000-4000-8000-000000000004" name="consent" typeOfVariable="Boolean"><Description>signed</Description></Variable>
</Variables>
<Cases><Case guid="A0000000-0000-4000-8000-000000000005">
<VariableValue><VariableRef targetGUID="A0000000-0000-4000-8000-000000000003"/><IntegerValue>67</IntegerValue></VariableValue>
<SourceRef targetGUID="A0000000-0000-4000-8000-000000000006"/>
</Case></Cases>
<Sources><TextSource guid="A0000000-0000-4000-8000-000000000006" name="resp 1" plainTextPath="internal://A0000000-0000-4000-8000-000000000006.txt">
<PlainTextSelection guid="A0000000-0000-4000-8000-000000000007" startPosition="{t.index("yes")}" endPosition="{t.index("yes") + 3}">
<Description>a segment comment</Description>
<Coding guid="A0000000-0000-4000-8000-000000000008"><CodeRef targetGUID="A0000000-0000-4000-8000-000000000002"/></Coding>
</PlainTextSelection>
<PlainTextSelection guid="A0000000-0000-4000-8000-000000000009" startPosition="5" endPosition="999"/>
<PlainTextSelection guid="A0000000-0000-4000-8000-00000000000A" startPosition="9" endPosition="4"/>
<VariableValue><VariableRef targetGUID="A0000000-0000-4000-8000-000000000004"/><BooleanValue>1</BooleanValue></VariableValue>
</TextSource></Sources>
<Sets><Set guid="A0000000-0000-4000-8000-00000000000B" name="ICLS 2024"><MemberSource targetGUID="A0000000-0000-4000-8000-000000000006"/></Set></Sets>
</Project>'''
zwrite('maxqda-like.qdpx', [('sources/A0000000-0000-4000-8000-000000000006.txt', t), ('project.qde', qde)])

# --- hostile / broken containers ------------------------------------------------------------------
open('doctype.qde', 'w').write('<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY x "y">]>\n'
                               '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>')
zwrite('two-qde.qdpx', [('a.qde', '<Project xmlns="urn:QDA-XML:project:1.0" name="a"/>'),
                        ('b.qde', '<Project xmlns="urn:QDA-XML:project:1.0" name="b"/>')])
zwrite('no-qde.qdpx', [('readme.txt', 'nothing here')])

# --- NVivo for Mac (12.7): standalone="no", lower-case sources/, LF text without BOM, UTF-16 offsets
# (astral emoji before the selections), name="" on selections, a richTextPath whose DOCX is absent ----
t = 'id\ncomment\nNo way \U0001F923\U0001F923\U0001F923 they can\nKeep it \U0001F621 optional\n'
words = ['they can', 'Keep it', 'optional']
sel = ''.join(
    f'<PlainTextSelection creatingUser="5e1f0c3a-0000-4000-8000-000000000001" creationDateTime="2025-01-01T00:00:00Z" '
    f'endPosition="{u16(t, t.index(w) + len(w))}" guid="5e1f0c3a-1111-4000-8000-00000000000{k}" '
    f'modifiedDateTime="2025-01-01T00:00:00Z" modifyingUser="5e1f0c3a-0000-4000-8000-000000000001" name="" '
    f'startPosition="{u16(t, t.index(w))}"><Coding creatingUser="5e1f0c3a-0000-4000-8000-000000000001" '
    f'creationDateTime="2025-01-01T00:00:00Z" guid="5e1f0c3a-2222-4000-8000-00000000000{k}">'
    f'<CodeRef targetGUID="5e1f0c3a-3333-4000-8000-000000000001"/></Coding></PlainTextSelection>' for k, w in enumerate(words))
qde = ('<?xml version="1.0" encoding="UTF-8" standalone="no" ?><Project basePath="" '
       'creatingUserGUID="5e1f0c3a-0000-4000-8000-000000000001" creationDateTime="2025-01-01T00:00:00Z" name="Untitled" '
       'origin="NVivo for Mac 12.7.0" xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
       'xsi:schemaLocation="urn:QDA-XML:project:1.0 Project.xsd"><Users><User guid="5e1f0c3a-0000-4000-8000-000000000001" '
       'id="AB" name="someone"/></Users><CodeBook><Codes><Code guid="5e1f0c3a-3333-4000-8000-000000000000" isCodable="false" '
       'name="roots"><Code color="#00ff7f" guid="5e1f0c3a-3333-4000-8000-000000000001" isCodable="true" name="+Reactance">'
       '<Description>two lines\n</Description></Code></Code></Codes></CodeBook><Sources><TextSource '
       'creatingUser="5e1f0c3a-0000-4000-8000-000000000001" creationDateTime="2025-01-01T00:00:00Z" '
       'guid="5e1f0c3a-4444-4000-8000-000000000001" name="comments" '
       'plainTextPath="internal://5e1f0c3a-4444-4000-8000-000000000001.txt" '
       'richTextPath="internal://5e1f0c3a-4444-4000-8000-000000000001.docx">' + sel + '</TextSource></Sources></Project>')
zwrite('nvivo-mac-like.qdpx', [('project.qde', qde), ('sources/5e1f0c3a-4444-4000-8000-000000000001.txt', t)])

# --- a MAXQDA .qdc (namespace codebook:0:4, with its origin) pasted in as a project's CodeBook by a
# script, sources by a user that is not in <Users>, empty Descriptions ---------------------------------
qde = '''<?xml version='1.0' encoding='utf-8'?>
<Project xmlns="urn:QDA-XML:project:1.0" origin="MAXQDA 24 (Release 24.7.0)" name="pasted codebook">
 <Users><User guid="B0000000-0000-4000-8000-000000000001" name="me" /></Users>
 <CodeBook xmlns="urn:QDA-XML:codebook:0:4" origin="MAXQDA 24 (Release 24.7.0, Build 241213)">
  <Codes>
   <Code color="#ef8256" guid="B0000000-0000-4000-8000-000000000002" name="Themes" isCodable="true"><Description>parent</Description>
    <Code color="#7A1F00" guid="B0000000-0000-4000-8000-000000000003" name="THEME - none" isCodable="true"><Description /></Code></Code>
  </Codes>
 </CodeBook>
 <Sources>
\t<TextSource modifyingUser="B0000000-0000-4000-8000-000000000001" guid="B0000000-0000-4000-8000-000000000004" creatingUser="B0000000-0000-4000-8000-000000000001" name="paper 1" plainTextPath="internal://B0000000-0000-4000-8000-000000000004.txt"/>
    <TextSource modifyingUser="B0000000-0000-4000-8000-0000000000FF" guid="B0000000-0000-4000-8000-000000000005" creatingUser="B0000000-0000-4000-8000-0000000000FF" name="paper 2" plainTextPath="internal://B0000000-0000-4000-8000-000000000005.txt"/>
 </Sources>
 <Sets><Set guid="B0000000-0000-4000-8000-000000000006" name="2024"><MemberSource targetGUID="B0000000-0000-4000-8000-000000000004"/></Set></Sets>
</Project>'''
zwrite('pasted-codebook-like.qdpx', [('project.qde', qde), ('sources/B0000000-0000-4000-8000-000000000004.txt', 'First paper.\n'),
                                     ('sources/B0000000-0000-4000-8000-000000000005.txt', 'Second paper.\n')])

# --- hand-written (no tool): a scheme-less plainTextPath whose file is absent but whose text is inline,
# an empty <Links/> ----------------------------------------------------------------------------------
open('inline-text.qde', 'w').write('''<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="hand made" origin="a script">
  <CodeBook><Codes><Code guid="C0000000-0000-4000-8000-000000000001" name="A" isCodable="true"/></Codes></CodeBook>
  <Sources>
    <TextSource guid="C0000000-0000-4000-8000-000000000002" name="Document 1" plainTextPath="doc1.txt">
      <PlainTextContent>Some text that will be coded.</PlainTextContent>
      <PlainTextSelection guid="C0000000-0000-4000-8000-000000000003" startPosition="5" endPosition="9">
        <Coding guid="C0000000-0000-4000-8000-000000000004"><CodeRef targetGUID="C0000000-0000-4000-8000-000000000001"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Links/>
</Project>''')

# --- OpenQDA (early exports): <Codebook> after the Sources with its Codes directly inside, a
# description attribute on Project and Code, internal://sources/<GUID>.txt paths, a repeated Code,
# creatingUserId where the schema says creatingUser(GUID), an email on the User ----
t = 'We talked about the weather and the harvest.\n'
qde = f'''<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Project 1" description="about" origin="OpenQDA-0.0.0-abc"
         creatingUserId="D0000000-0000-4000-8000-000000000001" creationDateTime="2025-05-22T11:23:02+02:00">
    <Users><User id="1" guid="D0000000-0000-4000-8000-000000000001" name="User 1" email="user1@example.com"/></Users>
    <Sources>
        <TextSource guid="D0000000-0000-4000-8000-000000000002" name="talk.txt"
                    plainTextPath="internal://sources/D0000000-0000-4000-8000-000000000002.txt"
                    creatingUserId="D0000000-0000-4000-8000-000000000001">
            <PlainTextSelection guid="D0000000-0000-4000-8000-000000000003" startPosition="{t.index('weather')}" endPosition="{t.index('weather') + 7}"
                                creatingUser="D0000000-0000-4000-8000-000000000001" creationDateTime="2025-08-25T12:06:26+02:00">
                <Coding guid="D0000000-0000-4000-8000-000000000004" creatingUser="D0000000-0000-4000-8000-000000000001">
                    <CodeRef targetGUID="D0000000-0000-4000-8000-000000000011"/>
                </Coding>
            </PlainTextSelection>
        </TextSource>
    </Sources>
    <Codebook name="Project 1 Codebook" description="">
        <Code guid="D0000000-0000-4000-8000-000000000010" name="Topics" description="" isCodable="true" color="#f885b9">
            <Code guid="D0000000-0000-4000-8000-000000000011" name="Weather" description="" isCodable="true" color="#e2dcf7"/>
        </Code>
        <Code guid="D0000000-0000-4000-8000-000000000011" name="Weather" description="" isCodable="true" color="#e2dcf7"/>
    </Codebook>
</Project>
'''
zwrite('openqda-like.qdpx', [('project.qde', qde), ('sources/D0000000-0000-4000-8000-000000000002.txt', t)])

# --- ATLAS.ti 26 (macOS), as a third party documented two of its exports: the XML named after the
# project (Trial.qde) and nothing else in the archive, the video outside it (relative:///<GUID>.mov
# under an absolute basePath, no currentPath), comments as selection Descriptions, a 0 ms selection --
U = '1E2B0000-0000-4000-8000-000000000001'
def vsel(n, b, e, codes, desc=None):
    g = f'1E2B0000-0000-4000-8000-00000000010{n}'
    s = f'<VideoSelection guid="{g}" name="{b // 1000}s" begin="{b}" end="{e}" creatingUser="{U}" creationDateTime="2026-01-01T10:00:00Z">'
    if desc:
        s += f'<Description>{desc}</Description>'
    for i, c in enumerate(codes):
        s += (f'<Coding guid="1E2B0000-0000-4000-8000-0000000002{n}{i}" creatingUser="{U}" creationDateTime="2026-01-01T10:00:00Z">'
              f'<CodeRef targetGUID="{c}"/></Coding>')
    return s + '</VideoSelection>'
A, B = '1E2B0000-0000-4000-8000-0000000000A1', '1E2B0000-0000-4000-8000-0000000000B1'
qde = f'''<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" origin="ATLAS.ti 26.1.2" name="Trial" creatingUserGUID="{U}" creationDateTime="2026-01-01T09:00:00Z" basePath="/Users/someone/Desktop/Trial Media/Project Media" xmlns="urn:QDA-XML:project:1.0">
<Users><User guid="{U}" name="someone"/></Users>
<CodeBook><Codes><Code guid="{A}" name="hello" isCodable="true"/><Code guid="{B}" name="test" isCodable="true"/></Codes></CodeBook>
<Sources><VideoSource guid="1E2B0000-0000-4000-8000-000000000002" name="clip-2.MP4" path="relative:///1E2B0000-0000-4000-8000-000000000003.mov" creatingUser="{U}" creationDateTime="2026-01-01T09:00:00Z">
{vsel(1, 2274, 5000, [A, B])}{vsel(2, 21477, 21477, [], "Hello trying")}{vsel(3, 15100, 17000, [A, B], "two codes")}
</VideoSource></Sources></Project>'''
zwrite('atlasti26-like.qdpx', [('Trial.qde', qde)])

# --- QualCoder 1.3: the XML named after the project, standalone="yes" without an encoding, a Case's
#     SourceRef naming the source's rich text file GUID (not its guid), a PDF exported both as a
#     TextSource and as a PDFSource under one guid and one file, creatingUserGUID that no <User>
#     declares; and a SourceRef that names nothing at all ------------------------------------------
t = 'Mostly by bus, but the bus is late.\n'
rep = 'Report: buses are unreliable.\n'
def qsel(n, text, word, code):
    s = text.index(word)
    return (f'<PlainTextSelection guid="9c130000-0000-4000-8000-00000000010{n}" startPosition="{s}" endPosition="{s + len(word)}" '
            f'name="{word}" creatingUser="9c130000-0000-4000-8000-000000000001" creationDateTime="2019-11-02T11:00:00">\n'
            f'<Coding guid="9c130000-0000-4000-8000-00000000020{n}" creatingUser="9c130000-0000-4000-8000-000000000001" '
            f'creationDateTime="2019-11-02T11:00:00">\n<CodeRef targetGUID="{code}"/>\n</Coding>\n</PlainTextSelection>\n')
C1, C2 = '9c130000-0000-4000-8000-0000000000c1', '9c130000-0000-4000-8000-0000000000c2'
F1 = '9c130000-0000-4000-8000-0000000000f1'   # the rich text file of source 1, its guid is ...0a1
qde = f'''<?xml version="1.0" standalone="yes"?>
<Project xmlns="urn:QDA-XML:project:1.0" creatingUserGUID="9c130000-0000-4000-8000-000000000099" creationDateTime="2019-11-02T10:00:00" name="transport.qda" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" origin="Qualcoder-1.3" xsi:schemaLocation="urn:QDA-XML:project:1:0 http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd">
<Users>
<User guid="9c130000-0000-4000-8000-000000000001" name="colin"/>
</Users>
<CodeBook>
<Codes>
<Code guid="{C1}" name="bus" isCodable="true" color="#F5A9A9">
</Code>
<Code guid="{C2}" name="reliability" isCodable="true" color="#A9A9F5">
</Code>
</Codes>
</CodeBook>
<Cases>
<Case guid="9c130000-0000-4000-8000-0000000000e1" name="P1">
<SourceRef targetGUID="{F1}"/>
</Case>
<Case guid="9c130000-0000-4000-8000-0000000000e2" name="P2">
<SourceRef targetGUID="9c130000-0000-4000-8000-0000000000f2"/>
</Case>
<Case guid="9c130000-0000-4000-8000-0000000000e3" name="P3">
<SourceRef targetGUID="9c130000-0000-4000-8000-0000000000f9"/>
</Case>
</Cases>
<Sources>
<TextSource richTextPath="internal://{F1}.txt" plainTextPath="internal://9c130000-0000-4000-8000-0000000000d1.txt" creatingUser="9c130000-0000-4000-8000-000000000001" creationDateTime="2019-11-02T10:05:00" guid="9c130000-0000-4000-8000-0000000000a1" name="interview1.txt">
{qsel(1, t, 'Mostly by bus', C1)}{qsel(2, t, 'the bus is late', C2)}</TextSource>
<TextSource richTextPath="internal://9c130000-0000-4000-8000-0000000000f2.pdf" plainTextPath="internal://9c130000-0000-4000-8000-0000000000d2.txt" creatingUser="9c130000-0000-4000-8000-000000000001" creationDateTime="2019-11-02T10:06:00" guid="9c130000-0000-4000-8000-0000000000a2" name="report.pdf">
{qsel(3, rep, 'buses are unreliable', C2)}</TextSource>
<PDFSource path="internal://9c130000-0000-4000-8000-0000000000f2.pdf" creatingUser="9c130000-0000-4000-8000-000000000001" creationDateTime="2019-11-02T10:06:00" guid="9c130000-0000-4000-8000-0000000000a2" name="report.pdf">
<Representation guid="9c130000-0000-4000-8000-0000000000b2" plainTextPath="internal://9c130000-0000-4000-8000-0000000000d2.txt" creatingUser="9c130000-0000-4000-8000-000000000001" creationDateTime="2019-11-02T10:06:00" name="report.pdf">
{qsel(4, rep, 'buses are unreliable', C2)}</Representation></PDFSource>
</Sources>
</Project>'''
zwrite('qualcoder13-like.qdpx', [('transport.qde', qde),
                                 (f'sources/{F1}.txt', t),
                                 ('sources/9c130000-0000-4000-8000-0000000000d1.txt', t),
                                 ('sources/9c130000-0000-4000-8000-0000000000f2.pdf', rep),
                                 ('sources/9c130000-0000-4000-8000-0000000000d2.txt', rep)])

# --- QualCoder 2.x: project.qde and every text file with a BOM (utf-8-sig), Sources/, every variable
#     value as TextValue whatever the variable's type (some of them not numbers, not dates), the
#     Case's SourceRef naming the source's file, a journal Note whose text is a file, a Transcript ---
t = 'Q: Why the garden?\nA: To meet neighbours.\n'
tr = '[00:00] Interviewer: Tell me.\n[00:07] P2: It saved my summer.\n'
U2 = '4a2c0000-0000-4000-8000-000000000001'
V = {k: f'4a2c0000-0000-4000-8000-0000000000{n}' for k, n in (('age', 'b1'), ('visits', 'b2'), ('joined', 'b3'), ('site', 'b4'))}
def val(var, v):
    return f'<VariableValue>\n<VariableRef targetGUID="{V[var]}" />\n<TextValue>{v}</TextValue>\n</VariableValue>\n'
s0 = t.index('To meet neighbours'); s1 = tr.index('It saved my summer')
qde = f'''<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="gardens.qda" origin="QualCoder 2.6" creatingUserGUID="4a2c0000-0000-4000-8000-000000000099" creationDateTime="2021-05-03T09:00:00Z" xmlns="urn:QDA-XML:project:1.0">
<Users>
<User guid="{U2}" name="default" />
</Users>
<CodeBook>
<Codes>
<Code guid="4a2c0000-0000-4000-8000-0000000000c1" name="social" isCodable="true" color="#F5A9A9" />
</Codes>
</CodeBook>
<Variables>
<Variable guid="{V['age']}" name="age" typeOfVariable="Float" >
<Description />
</Variable>
<Variable guid="{V['visits']}" name="visits" typeOfVariable="Integer" >
<Description />
</Variable>
<Variable guid="{V['joined']}" name="joined" typeOfVariable="Date" >
<Description />
</Variable>
<Variable guid="{V['site']}" name="site" typeOfVariable="Text" >
<Description>the garden</Description>
</Variable>
</Variables>
<Cases>
<Case guid="4a2c0000-0000-4000-8000-0000000000e1" name="P1">
<Description />
{val('age', '34')}{val('visits', '12')}{val('joined', '2021-04-01')}<SourceRef targetGUID="4a2c0000-0000-4000-8000-0000000000f1"/>
</Case>
<Case guid="4a2c0000-0000-4000-8000-0000000000e2" name="P2">
<Description />
{val('age', 'about 34')}{val('visits', '12.5')}{val('joined', '2021-02-30')}</Case>
</Cases>
<Sources>
<TextSource richTextPath="internal://4a2c0000-0000-4000-8000-0000000000f1.txt" plainTextPath="internal://4a2c0000-0000-4000-8000-0000000000d1.txt" creatingUser="{U2}" creationDateTime="2021-05-03T09:05:00Z" guid="4a2c0000-0000-4000-8000-0000000000a1" name="interview1.txt">
<PlainTextSelection guid="4a2c0000-0000-4000-8000-000000000101" startPosition="{s0}" endPosition="{s0 + 18}" name="To meet neighbours" creatingUser="{U2}" creationDateTime="2021-05-03T10:00:00Z">
<Coding guid="4a2c0000-0000-4000-8000-000000000201" creatingUser="{U2}" ><CodeRef targetGUID="4a2c0000-0000-4000-8000-0000000000c1" />
</Coding>
</PlainTextSelection>
{val('site', 'North &#038; East')}</TextSource>
<AudioSource creatingUser="{U2}" creationDateTime="2021-05-03T09:06:00Z" path="internal://4a2c0000-0000-4000-8000-0000000000f2.mp3" guid="4a2c0000-0000-4000-8000-0000000000a2" name="p2.mp3" >
<Transcript plainTextPath="internal://4a2c0000-0000-4000-8000-0000000000d2.txt" creatingUser="{U2}" creationDateTime="2021-05-03T09:06:30Z" guid="4a2c0000-0000-4000-8000-0000000000a3" name="p2.mp3.transcribed" >
<SyncPoint guid="4a2c0000-0000-4000-8000-000000000301" position="0" timeStamp="0" />
<SyncPoint guid="4a2c0000-0000-4000-8000-000000000302" position="{s1}" timeStamp="7000" />
<SyncPoint guid="4a2c0000-0000-4000-8000-000000000303" position="{s1 + 18}" timeStamp="7000" />
<TranscriptSelection guid="4a2c0000-0000-4000-8000-000000000102" name="p2.mp3.transcribed" fromSyncPoint="4a2c0000-0000-4000-8000-000000000302" toSyncPoint="4a2c0000-0000-4000-8000-000000000303">
<Coding guid="4a2c0000-0000-4000-8000-000000000202" >
<CodeRef targetGUID="4a2c0000-0000-4000-8000-0000000000c1" />
</Coding>
</TranscriptSelection>
</Transcript>
</AudioSource>
</Sources>
<Notes>
<Note guid="4a2c0000-0000-4000-8000-0000000000a4" creatingUser="{U2}" creationDateTime="2021-05-03T12:00:00Z" name="Day 1"  plainTextPath="internal://4a2c0000-0000-4000-8000-0000000000a4.txt" >
<Description /></Note>
</Notes>
<Description>Community gardens pilot</Description>
</Project>'''
bom = '\ufeff'
zwrite('qualcoder2-like.qdpx', [('project.qde', (bom + qde).encode('utf-8')),
                                ('Sources/4a2c0000-0000-4000-8000-0000000000f1.txt', (bom + t).encode('utf-8')),
                                ('Sources/4a2c0000-0000-4000-8000-0000000000d1.txt', (bom + t).encode('utf-8')),
                                ('Sources/4a2c0000-0000-4000-8000-0000000000f2.mp3', b'ID3-not-really-an-mp3'),
                                ('Sources/4a2c0000-0000-4000-8000-0000000000d2.txt', (bom + tr).encode('utf-8')),
                                ('Sources/4a2c0000-0000-4000-8000-0000000000a4.txt', (bom + 'Started coding.').encode('utf-8'))])

# --- Quackdas: the PlainTextSelections in a <Selections> of the Project (sourceGUID=, Coding codeGUID=,
#     no CodeRef), colours 'FF' + RRGGBB without '#', creatingUserGUID on sources and notes, a NoteRef
#     inside the Note naming the selection it is about, sources/ paths without a scheme, an extension --
t = "I moved here for work. The rent is too high.\n"
Q = lambda n: f'7ac0da50-0000-4000-8000-0000000000{n}'
qde = f'''<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Housing" origin="Quackdas" creatingUserGUID="{Q('01')}" creationDateTime="2026-03-01T10:00:00.000Z">
  <Users>
    <User guid="{Q('01')}" name="Quackdas User"/>
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="{Q('c1')}" name="Housing" isCodable="true" color="FFE06C75" quackdasShortcut="1">
        <Code guid="{Q('c2')}" name="Cost" isCodable="true" color="FF98C379" quackdasShortcut=""/>
      </Code>
    </Codes>
  </CodeBook>
  <Sources>
    <TextSource guid="{Q('a1')}" name="Interview A" plainTextPath="Sources/Interview A.txt" creatingUserGUID="{Q('01')}" creationDateTime="2026-03-01T10:00:00.000Z"/>
  </Sources>
  <Selections>
    <PlainTextSelection guid="{Q('e1')}" sourceGUID="{Q('a1')}" startPosition="{t.index('I moved')}" endPosition="{t.index('I moved') + 21}">
      <Coding guid="{Q('f1')}" codeGUID="{Q('c1')}"/>
    </PlainTextSelection>
    <PlainTextSelection guid="{Q('e2')}" sourceGUID="{Q('a1')}" startPosition="{t.index('The rent')}" endPosition="{t.index('The rent') + 20}">
      <Coding guid="{Q('f2')}" codeGUID="{Q('c2')}"/>
      <Coding guid="{Q('f3')}" codeGUID="{Q('c1')}"/>
    </PlainTextSelection>
    <PlainTextSelection guid="{Q('e3')}" sourceGUID="{Q('a9')}" startPosition="0" endPosition="2"/>
  </Selections>
  <Notes>
    <Note guid="{Q('b1')}" name="segment memo" quackdasTag="follow-up" creatingUserGUID="{Q('01')}" creationDateTime="2026-03-01T10:00:00.000Z">
      <PlainTextContent>Rent mentioned twice</PlainTextContent>
      <NoteRef targetGUID="{Q('e2')}"/>
    </Note>
  </Notes>
  <QuackdasExtensions version="1">
    <PdfRegionSelections>
    </PdfRegionSelections>
  </QuackdasExtensions>
</Project>
'''
zwrite('quackdas-like.qdpx', [('Sources/Interview A.txt', t), ('project.qde', qde)])

# --- transact-qda: the original .docx named as the plainTextPath, ids with suffixes ('-coding', '-v',
#     '-e'), a Graph whose Vertex and Edge ids are not GUIDs, tq: elements in their own namespace ------
X = lambda n: f'7b0a0000-0000-4000-8000-0000000000{n}'
t = 'The council closed the clinic.\n'
docx = b'PK\x03\x04' + b'-not-really-a-docx'
s0 = t.index('closed the clinic')
qde = f'''<?xml version="1.0" encoding="UTF-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" xmlns:tq="urn:transact-qda:1.0"
  name="Clinic closure"
  origin="transact-qda"
  creationDateTime="2026-02-01T09:00:00.000Z"
  basePath="">
  <Users>
    <User guid="{X('01')}" name="Jo" id="jo"/>
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="{X('c1')}" name="abandonment" isCodable="true" color="#c0392b">
        <Description>CCS: cue</Description>
        <tq:NamingActs>
          <tq:Act seq="1" inscription="abandonment" by="{X('01')}" at="2026-02-01T09:00:00.000Z"/>
        </tq:NamingActs>
      </Code>
      <Code guid="{X('c2')}" name="council" isCodable="true">
        <Description>CCS: cue</Description>
      </Code>
    </Codes>
  </CodeBook>
  <Sources>
    <TextSource guid="{X('a1')}" name="interview-1" plainTextPath="internal://{X('a1')}.txt">
      <PlainTextSelection guid="{X('e1')}" name="" startPosition="{s0}" endPosition="{s0 + 17}">
        <Coding guid="{X('e1')}-coding"><CodeRef targetGUID="{X('c2')}"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="{X('a2')}" name="interview-2.docx" plainTextPath="internal://{X('a2')}.docx">
      <PlainTextSelection guid="{X('e2')}" name="" startPosition="0" endPosition="6">
        <Coding guid="{X('e2')}-coding"><CodeRef targetGUID="{X('c1')}"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Graphs>
    <Graph guid="{X('90')}" name="Situational map">
      <tq:Perspective mapType="situational"/>
      <Vertex guid="{X('c1')}-v" representedGUID="{X('c1')}" name="abandonment" firstX="10" firstY="20" secondX="130" secondY="60" shape="Rectangle"/>
      <Vertex guid="{X('c2')}-v" representedGUID="{X('c2')}" name="council" firstX="200" firstY="20" secondX="320" secondY="60" shape="Rectangle"/>
      <Edge guid="{X('91')}-e" representedGUID="{X('91')}" name="causes" sourceVertex="{X('c2')}-v" targetVertex="{X('c1')}-v" direction="Associative"/>
    </Graph>
  </Graphs>
  <tq:Participations>
    <tq:Participation id="{X('91')}" namingId="{X('c2')}" participantId="{X('c1')}"/>
  </tq:Participations>
</Project>'''
zwrite('transact-qda-like.qdpx', [('project.qde', qde), (f'Sources/{X("a1")}.txt', t), (f'Sources/{X("a2")}.docx', docx)])

# --- NVivo with cases, an annotation and a set (issue 14: what QualCoder makes of them): a case is
# a code of the same GUID; an annotation is a Note with a txt, linked from the Note to the span;
# a document set; UTF-16 offsets over a BOM + CRLF text with an emoji ------------------------------
def N(k): return f'c4a5e000-0000-4000-8000-{k:012x}'
t = 'Anna: I like \U0001F600 buses.\r\nBen: trains are late.\r\nAnna: and the tram?\r\n'
spans = [('buses', 1), ('trains are late', 3), ('tram', 2), ('Anna: I like', 4)]
sel = ''.join(
    f'<PlainTextSelection guid="{N(100 + k)}" name="" startPosition="{u16(t, t.index(w))}" '
    f'endPosition="{u16(t, t.index(w) + len(w))}" creatingUser="{N(1)}" creationDateTime="2024-01-01T00:00:00Z">'
    f'<Coding guid="{N(200 + k)}" creatingUser="{N(1)}"><CodeRef targetGUID="{N(10 + c)}" /></Coding></PlainTextSelection>'
    for k, (w, c) in enumerate(spans))
qde = f'''<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="Untitled" origin="NVivo for Windows 12.6" basePath="" xmlns="urn:QDA-XML:project:1.0">
  <Users><User guid="{N(1)}" name="coder" /></Users>
  <CodeBook><Codes>
    <Code guid="{N(11)}" name="transport" isCodable="true"><Description />
      <Code guid="{N(12)}" name="tram" isCodable="true" /><Code guid="{N(13)}" name="delay" isCodable="true" /></Code>
    <Code guid="{N(14)}" name="Anna" isCodable="true" />
  </Codes></CodeBook>
  <Cases><Case guid="{N(14)}" name="Anna"><Description /></Case></Cases>
  <Sources><TextSource guid="{N(20)}" name="focus group" plainTextPath="internal://{N(20)}.txt"><Description />{sel}</TextSource></Sources>
  <Notes><Note guid="{N(30)}" name="" plainTextPath="internal://{N(30)}.txt" creatingUser="{N(1)}" creationDateTime="2024-01-02T00:00:00Z" /></Notes>
  <Links><Link guid="{N(40)}" name="Annotation" direction="OneWay" originGUID="{N(30)}" targetGUID="{N(100)}" /></Links>
  <Sets><Set guid="{N(50)}" name="Transcripts"><MemberSource targetGUID="{N(20)}" /></Set></Sets>
</Project>'''
zwrite('nvivo-cases-like.qdpx', [('project.qde', qde), (f'Sources/{N(20)}.txt', '\ufeff' + t),
                                 (f'Sources/{N(30)}.txt', '\ufeff' + 'Anna means the 12 bus.')])
