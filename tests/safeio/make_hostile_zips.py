#!/usr/bin/python3
"""Writes hostile zip archives for the safeio tests into the folder given as
the only argument. Every file is crafted from bytes here (zipfile only where
it writes exactly what the attack needs), so nothing hostile lives in the
repository. See docs/security.md for what each one attacks."""

import io
import os
import struct
import sys
import zipfile
import zlib

OUT = sys.argv[1] if len(sys.argv) > 1 else "hostile"


def raw_deflate(data, level=9):
    c = zlib.compressobj(level, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def local_header(name, method, crc, csize, usize, flags=0):
    n = name.encode("utf-8") if isinstance(name, str) else name
    flags |= 0x800 if isinstance(name, str) and not name.isascii() else 0
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0x21,
                       crc, csize, usize, len(n), 0) + n


def central_header(name, method, crc, csize, usize, offset, flags=0,
                   create_system=3, external=0o100644 << 16):
    n = name.encode("utf-8") if isinstance(name, str) else name
    flags |= 0x800 if isinstance(name, str) and not name.isascii() else 0
    return struct.pack("<IBBHHHHHIIIHHHHHII", 0x02014B50, 20, create_system, 20,
                       flags, method, 0, 0x21, crc, csize, usize, len(n), 0, 0,
                       0, 0, external, offset) + n


def end_record(count, cd_size, cd_offset):
    return struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, cd_size,
                       cd_offset, 0)


def build(entries):
    """entries: list of dicts with name, data (bytes as stored in the file),
    method, crc, usize, and optional flags/external/create_system."""
    out = bytearray()
    central = bytearray()
    for e in entries:
        offset = len(out)
        flags = e.get("flags", 0)
        out += local_header(e["name"], e["method"], e["crc"], len(e["data"]),
                            e["usize"], flags)
        out += e["data"]
        central += central_header(e["name"], e["method"], e["crc"],
                                  len(e["data"]), e["usize"], offset, flags,
                                  e.get("create_system", 3),
                                  e.get("external", 0o100644 << 16))
    cd_offset = len(out)
    out += central + end_record(len(entries), len(central), cd_offset)
    return bytes(out)


def entry(name, content, method=8, **kw):
    data = raw_deflate(content) if method == 8 else content
    d = dict(name=name, data=data, method=method, crc=zlib.crc32(content),
             usize=len(content))
    d.update(kw)
    return d


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def overlap_bomb(kernel_content, count, kernel_method):
    """David Fifield's construction: each member's compressed data quotes the
    next member's local header in a stored deflate block and then runs on
    into the next member's data, so every member shares the same kernel."""
    if kernel_method == 8:
        kernel = raw_deflate(kernel_content)  # final block
    else:
        raise ValueError("deflate kernel only")
    names = ["m%03d.bin" % i for i in range(count)]
    datas = [None] * count
    contents = [None] * count
    headers = [None] * count
    datas[-1] = kernel
    contents[-1] = kernel_content
    for i in range(count - 1, -1, -1):
        if i < count - 1:
            lh = headers[i + 1]
            quote = b"\x00" + struct.pack("<HH", len(lh), len(lh) ^ 0xFFFF) + lh
            datas[i] = quote + datas[i + 1]
            contents[i] = lh + contents[i + 1]
        headers[i] = local_header(names[i], 8, zlib.crc32(contents[i]),
                                  len(datas[i]), len(contents[i]))
    out = bytearray()
    central = bytearray()
    for i in range(count):
        offset = len(out)
        out += headers[i]
        if i < count - 1:  # the stored-block header quoting the next local header
            lh = headers[i + 1]
            out += b"\x00" + struct.pack("<HH", len(lh), len(lh) ^ 0xFFFF)
        central += central_header(names[i], 8, zlib.crc32(contents[i]),
                                  len(datas[i]), len(contents[i]), offset)
    out += kernel
    cd_offset = len(out)
    out += central + end_record(count, len(central), cd_offset)
    return bytes(out)


def main():
    os.makedirs(OUT, exist_ok=True)
    hello = b"hello, world\n"
    rnd = bytes((i * 2654435761 >> 13) & 0xFF for i in range(64 * 1024))

    # A well-formed archive: text, a stored member, a directory, non-ASCII name.
    write("good.zip", build([
        entry("project.qde", b"<Project/>\n" * 100),
        entry("Sources/", b"", method=0, external=0o040755 << 16),
        entry("Sources/a.txt", hello, method=0),
        entry("Sources/\u00c9t\u00e9.txt", "\u00e9t\u00e9".encode()),
    ]))

    # Benign but less common: written to a pipe, so sizes and CRCs follow the
    # data in data descriptors (general purpose bit 3), as streaming writers do.
    class Pipe(io.RawIOBase):
        def __init__(self):
            self.buf = bytearray()
        def writable(self):
            return True
        def write(self, b):
            self.buf += b
            return len(b)
    pipe = Pipe()
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("project.qde", b"<Project/>\n" * 100)
        with z.open("sources/a.txt", "w") as f:
            f.write(b"streamed text\n" * 1000)
    write("data_descriptor.zip", bytes(pipe.buf))

    # Zip slip and friends.
    slips = {
        "slip_dotdot.zip": "../evil.txt",
        "slip_inner_dotdot.zip": "sources/../../evil.txt",
        "slip_abs.zip": "/etc/evil",
        "slip_drive.zip": "C:/evil.txt",
        "slip_drive_relative.zip": "c:evil.txt",
        "slip_backslash.zip": "sources\\..\\..\\evil.txt",
        "slip_empty_component.zip": "sources//evil.txt",
        "slip_dot_component.zip": "./evil.txt",
    }
    for fname, member in slips.items():
        write(fname, build([entry("ok.txt", hello), entry(member, hello)]))
    # Control characters. libzip reads a name without the UTF-8 flag as CP437,
    # where most C0 bytes are printable symbols (0x1b is U+2190), but tab, CR
    # and LF pass through; with the UTF-8 flag libzip refuses them itself.
    write("slip_control.zip", build([entry("evil\r\n.txt", hello)]))
    write("slip_control_utf8.zip", build([entry("evil\x1b[31m.txt", hello, flags=0x800)]))
    write("control_cp437.zip", build([entry("evil\x1b[31m.txt", hello)]))

    # Case collisions, on files and on folders.
    write("case_collision.zip", build([entry("project.qde", hello),
                                       entry("PROJECT.QDE", hello)]))
    write("case_collision_dirs.zip", build([
        entry("Sources/", b"", method=0, external=0o040755 << 16),
        entry("sources/", b"", method=0, external=0o040755 << 16)]))
    write("case_collision_unicode.zip", build([entry("\u00c9t\u00e9.txt", hello),
                                               entry("\u00e9t\u00e9.txt", hello)]))

    # Honest bomb: 100 MiB of zeros in ~100 KiB (about 1000:1).
    write("bomb_honest.zip", build([entry("bomb.xml", bytes(100 << 20))]))

    # Overlapping-entry bombs: 200 members sharing one kernel. With random
    # (incompressible) content no member exceeds any ratio; only the overlap shows.
    write("bomb_overlap.zip", overlap_bomb(rnd, 200, 8))
    write("bomb_overlap_zeros.zip", overlap_bomb(bytes(4 << 20), 100, 8))

    # Size lie: declares 1000 bytes, inflates to 1 MiB, CRC of the real data.
    big = bytes(range(256)) * 4096
    e = entry("lie.bin", big)
    e["usize"] = 1000
    write("size_lie.zip", build([e]))
    # And the short variant: declares 2 MiB, delivers 1 MiB.
    e = entry("short.bin", big)
    e["usize"] = 2 << 20
    write("size_short.zip", build([e]))

    # Bad CRC (reported by libzip only at the end of the data).
    e = entry("bad.txt", b"x" * 5000)
    e["crc"] ^= 0xDEADBEEF
    write("bad_crc.zip", build([entry("ok.txt", hello), e]))
    # The same inside XML members, which must not parse as a shorter document.
    doc = b"<Project>" + b"<Item>text</Item>" * 20000 + b"</Project>"
    e = entry("project.qde", doc)
    e["crc"] ^= 1
    write("bad_crc_xml.zip", build([e]))
    e = entry("project.qde", doc)
    e["usize"] = 1000
    write("size_lie_xml.zip", build([e]))

    # Traditional PKWARE encryption flag on a member (12-byte header + junk).
    write("encrypted.zip", build([dict(name="secret.txt", data=os.urandom(40),
                                       method=0, crc=0x12345678, usize=28,
                                       flags=1)]))

    # Symlink and a device node (Unix modes in the external attributes).
    write("symlink.zip", build([entry("link", b"/etc/passwd", method=0,
                                      external=0o120777 << 16)]))
    write("fifo.zip", build([entry("pipe", b"", method=0,
                                   external=0o010644 << 16)]))

    # Too many members (the test sets the limit to 1000).
    write("too_many.zip", build([entry("f%05d.txt" % i, b"x", method=0)
                                 for i in range(1001)]))

    # Unsupported compression methods: bzip2 (12) and PPMd (98). (99 is not
    # a method but the WinZip AES marker.)
    write("method_bzip2.zip", build([dict(name="a.txt", data=b"BZh9" + bytes(20),
                                          method=12, crc=zlib.crc32(hello),
                                          usize=len(hello))]))
    write("method_ppmd.zip", build([dict(name="a.txt", data=bytes(20), method=98,
                                       crc=zlib.crc32(hello), usize=len(hello))]))

    # A zip inside a zip: a member like any other, never opened.
    inner = build([entry("../inner_evil.txt", hello)])
    write("nested.zip", build([entry("sources/inner.zip", inner, method=0)]))

    # Exact duplicate names (libzip's ZIP_CHECKCONS refuses them).
    write("duplicate.zip", build([entry("a.txt", hello), entry("a.txt", hello)]))

    # Not a zip at all, and a truncated one.
    write("not_a_zip.zip", b"this is not a zip archive" * 10)
    good = open(os.path.join(OUT, "good.zip"), "rb").read()
    write("truncated.zip", good[: len(good) // 2])

    # Structures that tools read differently (issue 15), and benign look-alikes.
    a = build([entry("project.qde", b"<Project name='first'/>\n")])
    b = build([entry("project.qde", b"<Project name='second'/>\n")])
    write("concat.zip", a + b)  # unzip and Python read the second, libzip the first
    write("trailing.zip", a + b"hidden data after the end record")
    # The same, with the second archive inside the first one's end record comment:
    # libzip reads the first, unzip and Python find the last end record and the second.
    a_comment = bytearray(a)
    struct.pack_into("<H", a_comment, len(a_comment) - 2, len(b))
    write("concat_comment.zip", bytes(a_comment) + b)
    # A prefix: the second archive's offsets moved by the first's length (as `zip -A`
    # does for a self-extractor), so it is a whole, valid zip after a first one.
    shifted = bytearray(b)
    n = len(a)
    cd_off = struct.unpack_from("<I", shifted, len(shifted) - 6)[0]
    struct.pack_into("<I", shifted, len(shifted) - 6, cd_off + n)
    struct.pack_into("<I", shifted, cd_off + 42, struct.unpack_from("<I", shifted, cd_off + 42)[0] + n)
    write("prefixed.zip", a + bytes(shifted))
    # A NUL in a name: libzip shows it as a space, Python ends the name there and
    # sees two project.qde.
    write("nul_name.zip", build([entry("project.qde", b"<Project name='first'/>\n"),
                                 entry(b"project.qde\x00.txt", b"<Project name='second'/>\n")]))
    # Local headers that disagree with the central directory: a name, a size.
    ok = build([entry("project.qde", b"<Project/>\n" * 50)])
    i = ok.index(b"project.qde")  # the local header's copy comes first
    write("local_name.zip", ok[:i] + b"PROJECT.qde" + ok[i + 11:])
    lie = bytearray(ok)
    struct.pack_into("<I", lie, 22, struct.unpack_from("<I", lie, 22)[0] + 1)  # uncompressed size
    write("local_size.zip", bytes(lie))
    # Hidden bytes between two members (central offsets point past them).
    e1, e2 = entry("a.txt", hello), entry("b.txt", hello)
    one = local_header("a.txt", 8, e1["crc"], len(e1["data"]), e1["usize"]) + e1["data"]
    gap = b"HIDDEN" * 10
    two = local_header("b.txt", 8, e2["crc"], len(e2["data"]), e2["usize"]) + e2["data"]
    cd = (central_header("a.txt", 8, e1["crc"], len(e1["data"]), e1["usize"], 0)
          + central_header("b.txt", 8, e2["crc"], len(e2["data"]), e2["usize"], len(one) + len(gap)))
    body = one + gap + two
    write("gap.zip", body + cd + end_record(2, len(cd), len(body)))
    # An end record whose comment holds another end record.
    fake = end_record(0, 0, 0)
    good_c = bytearray(ok)
    struct.pack_into("<H", good_c, len(good_c) - 2, len(fake))
    write("comment_eocd.zip", bytes(good_c) + fake)
    # Benign: an ordinary comment, and zip64 records (Python's force_zip64).
    plain = bytearray(ok)
    struct.pack_into("<H", plain, len(plain) - 2, 9)
    write("comment.zip", bytes(plain) + b"a comment")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as z:
        with z.open("project.qde", "w", force_zip64=True) as f:
            f.write(b"<Project/>\n" * 100)
        z.writestr("sources/a.txt", hello)
    write("zip64.zip", buf.getvalue())

    # Source for the raw-copy test: deflate level 1 (libzip writes level 6 by
    # default, so recompressed bytes would differ) and a stored member.
    text = b"".join(b"line %d of some coded text, qualitative data\n" % i
                    for i in range(120000))
    e1 = entry("sources/big.txt", text)
    e1["data"] = raw_deflate(text, 1)
    write("rawcopy_src.zip", build([e1, entry("sources/photo.jpg", rnd, method=0)]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
