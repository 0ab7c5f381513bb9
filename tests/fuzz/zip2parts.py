#!/usr/bin/python3
"""Seeds for the *parts harnesses: each zip (.xlsx, .qdpx) given becomes one file of
"==> name" + content parts in OUT (members over 256 KiB are left out, the file capped at 1 MiB).

usage: zip2parts.py OUT FILE...
"""
import os
import sys
import zipfile

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for path in sys.argv[2:]:
    try:
        z = zipfile.ZipFile(path)
        parts = b""
        for info in z.infolist():
            if info.is_dir() or info.file_size > 262144:
                continue
            data = z.read(info)
            parts += b"==> " + info.filename.encode("utf-8") + b"\n" + data + b"\n"
            if len(parts) > 1048576:
                break
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError, ValueError):
        continue  # a hostile zip: not a seed
    if parts:
        with open(os.path.join(out, os.path.basename(path) + ".parts"), "wb") as f:
            f.write(parts)
