#!/bin/bash
# End-to-end tests of `qdx archive` (BagIt bags), run by ctest:
#   archive_test.sh QDX SOURCE_DIR WORK_DIR PART
# PART: folder | zip | encrypted | sample | sevenzip | cli
# Exit 0 = pass, 77 = skipped (ctest SKIP_RETURN_CODE), anything else = fail.
set -u
QDX=$1
SRC=$2
WORK=$3
PART=$4
DATA=$SRC/tests/archive/data
PY=${PYTHON:-/usr/bin/python3}
fails=0

rm -rf "$WORK/$PART" && mkdir -p "$WORK/$PART" && cd "$WORK/$PART" || exit 2

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

# expect RC OUTPUT-SUBSTRING -- command...: runs it, checks the exit code and that the
# combined output contains the substring (empty = no check).
expect() {
    local want=$1 needle=$2
    shift 3
    local out rc
    out=$("$@" 2>&1)
    rc=$?
    if [ "$want" = "nonzero" ]; then
        [ $rc -ne 0 ] || { fail "expected failure: $*"; echo "$out"; return; }
    elif [ $rc -ne "$want" ]; then
        fail "exit $rc (want $want): $*"; echo "$out"; return
    fi
    if [ -n "$needle" ] && ! grep -qF -- "$needle" <<<"$out"; then
        fail "output of '$*' does not mention '$needle'"; echo "$out"; return
    fi
    pass "$* -> $rc${needle:+ (mentions '$needle')}"
}

# The bag's manifests checked by coreutils, an implementation independent of qdx.
sha_check() {
    (cd "$1" && sha256sum -c --quiet --strict manifest-sha256.txt && sha256sum -c --quiet --strict tagmanifest-sha256.txt) \
        && pass "sha256sum -c in $1" || fail "sha256sum -c in $1"
}

# Rewrites a zip with Python's zipfile: drop member $2, or flip one byte of member $3, or add member $4.
zip_edit() {
    "$PY" - "$@" <<'EOF'
import sys, zipfile
src, dst, drop, flip, add = sys.argv[1:6]
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
    for info in zi.infolist():
        data = zi.read(info)
        if info.filename == drop:
            continue
        if info.filename == flip:
            data = bytes([data[0] ^ 1]) + data[1:]
        zo.writestr(info, data)
    if add:
        zo.writestr(add, b"an extra file\n")
EOF
}

tamper_folder() {  # $1 = a fresh copy of a good folder bag
    local bag=$1
    cp -r "$bag" t1 && printf '\x00' | dd of=t1/data/sources/S3.pdf bs=1 seek=5 conv=notrunc status=none
    expect 1 "data/sources/S3.pdf: checksum mismatch" -- "$QDX" archive --verify t1
    (cd t1 && sha256sum -c --quiet manifest-sha256.txt >/dev/null 2>&1) && fail "sha256sum missed the flipped byte" || pass "sha256sum sees the flipped byte"
    cp -r "$bag" t2 && rm t2/data/sources/S3.pdf
    expect 1 "data/sources/S3.pdf: listed in manifest-sha256.txt but missing" -- "$QDX" archive --verify t2
    cp -r "$bag" t3 && echo extra >t3/data/extra.txt
    expect 1 "data/extra.txt: payload file not listed" -- "$QDX" archive --verify t3
    expect 1 "Payload-Oxum" -- "$QDX" archive --verify t3
    cp -r "$bag" t4 && sed -i 's/^QDX-Themes: .*/QDX-Themes: 99/' t4/bag-info.txt
    expect 1 "bag-info.txt: checksum mismatch" -- "$QDX" archive --verify t4
    cp -r "$bag" t5 && sed -i '1d' t5/manifest-sha256.txt
    expect 1 "not listed in manifest-sha256.txt" -- "$QDX" archive --verify t5
    expect 1 "manifest-sha256.txt: checksum mismatch" -- "$QDX" archive --verify t5
}

case $PART in
folder)
    expect 0 "folder" -- "$QDX" archive "$DATA/tiny-media.json" bag
    for f in bagit.txt bag-info.txt README.txt manifest-sha256.txt tagmanifest-sha256.txt data/project.json \
             data/original/tiny-media.json data/schemas/qdx-project-1.0.schema.json data/sources/S3.pdf \
             data/report.html; do
        [ -f "bag/$f" ] && pass "has $f" || fail "bag lacks $f"
    done
    ls bag/data/sources/*.mp4 >/dev/null 2>&1 && pass "video kept" || fail "no video in data/sources"
    cmp -s "$DATA/tiny-media.json" bag/data/original/tiny-media.json && pass "original byte-identical" || fail "original differs"
    grep -q '^Payload-Oxum: [0-9]*\.6$' bag/bag-info.txt && pass "Payload-Oxum" || fail "Payload-Oxum"  # with data/report.html
    for k in Bagging-Date QDX-Version QDX-Schema-Version QDX-Producing-Tool QDX-Sources QDX-Excerpts QDX-Themes QDX-Cases; do
        grep -q "^$k: " bag/bag-info.txt && pass "bag-info $k" || fail "bag-info lacks $k"
    done
    grep -q '^QDX-Producing-Tool: handmade$' bag/bag-info.txt && pass "producing tool" || fail "producing tool"
    sha_check bag
    expect 0 "valid bag" -- "$QDX" archive --verify bag
    expect 0 "equal" -- "$QDX" diff "$DATA/tiny-media.json" bag
    expect 4 "exists" -- "$QDX" archive "$DATA/tiny-media.json" bag   # never overwritten
    expect 0 "" -- "$QDX" convert bag back.json
    expect 0 "equal" -- "$QDX" diff "$DATA/tiny-media.json" back.json
    tamper_folder bag
    ;;
zip)
    expect 0 "(zip)" -- "$QDX" archive "$DATA/tiny-media.json" bag.zip
    expect 0 "valid bag" -- "$QDX" archive --verify bag.zip
    mkdir u && (cd u && unzip -q ../bag.zip) && sha_check u/bag
    expect 0 "equal" -- "$QDX" diff "$DATA/tiny-media.json" bag.zip
    expect 0 "(zip)" -- "$QDX" archive --zip "$DATA/tiny-media.json" other   # --zip without .zip
    expect 0 "valid bag" -- "$QDX" archive --verify other
    zip_edit bag.zip t1.zip "" bag/data/sources/S3.pdf ""
    expect 1 "data/sources/S3.pdf: checksum mismatch" -- "$QDX" archive --verify t1.zip
    zip_edit bag.zip t2.zip bag/data/sources/S3.pdf "" ""
    expect 1 "data/sources/S3.pdf: listed in manifest-sha256.txt but missing" -- "$QDX" archive --verify t2.zip
    zip_edit bag.zip t3.zip "" "" bag/data/extra.txt
    expect 1 "data/extra.txt: payload file not listed" -- "$QDX" archive --verify t3.zip
    zip_edit bag.zip t4.zip "" bag/tagmanifest-sha256.txt ""
    expect 1 "checksum mismatch" -- "$QDX" archive --verify t4.zip
    # A failed write leaves an existing target untouched.
    cp bag.zip keep.zip
    expect nonzero "" -- "$QDX" archive -f json "$DATA/does-not-exist.json" keep.zip
    cmp -s bag.zip keep.zip && pass "failed run left the old zip" || fail "failed run changed the old zip"
    ;;
encrypted)
    printf 'correct horse battery staple\n' >pw
    printf 'wrong\n' >bad
    expect 0 "AES-256" -- "$QDX" archive "$DATA/tiny-media.json" enc.zip --encrypt --password-file pw
    # Opaque names: nothing of the bag's file names is visible without the password.
    names=$("$PY" -c 'import sys,zipfile; print(" ".join(i.filename for i in zipfile.ZipFile(sys.argv[1]).infolist()))' enc.zip)
    [ "$names" = "bag.zip" ] && pass "only an opaque member name" || fail "member names: $names"
    grep -qa "project.json\|tiny-media\|S3.pdf" enc.zip && fail "a file name leaks in clear" || pass "no file name in clear"
    grep -qa "Tiny test" enc.zip && fail "the project name leaks in clear" || pass "no content in clear"
    expect 3 "encrypted" -- "$QDX" archive --verify enc.zip
    expect 3 "" -- "$QDX" archive --verify enc.zip --password-file bad
    expect 0 "valid bag" -- "$QDX" archive --verify enc.zip --password-file pw
    QDX_PW='correct horse battery staple' expect 0 "valid bag" -- "$QDX" archive --verify enc.zip --password-env QDX_PW
    expect 0 "" -- "$QDX" convert enc.zip back.json --password-file pw
    expect 0 "equal" -- "$QDX" diff "$DATA/tiny-media.json" back.json
    expect 3 "encrypted" -- "$QDX" convert enc.zip back2.json
    [ -e back2.json ] && fail "convert without password wrote output" || pass "nothing written without password"
    # A flipped byte inside the encrypted data is caught (AES HMAC / CRC), with the password given.
    cp enc.zip flipped.zip
    size=$(stat -c %s flipped.zip)
    printf '\x5a' | dd of=flipped.zip bs=1 seek=$((size / 2)) conv=notrunc status=none
    expect nonzero "" -- "$QDX" archive --verify flipped.zip --password-file pw
    # Passwords never on the command line, never without --encrypt.
    expect 2 "" -- "$QDX" archive "$DATA/tiny-media.json" x.zip --encrypt --password secret
    expect 2 "--password-file" -- "$QDX" archive "$DATA/tiny-media.json" x.zip --encrypt
    expect 2 "--encrypt" -- "$QDX" archive "$DATA/tiny-media.json" x.zip --password-file pw
    : >empty
    expect 2 "empty" -- "$QDX" archive "$DATA/tiny-media.json" x.zip --encrypt --password-file empty
    expect 2 "unset" -- "$QDX" archive "$DATA/tiny-media.json" x.zip --encrypt --password-env QDX_NO_SUCH_VARIABLE
    # No temporary plaintext left behind.
    ls -a | grep -q qdx-tmp && fail "temporary files left" || pass "no temporary files left"
    ;;
sevenzip)
    SEVEN=$(command -v 7zz || command -v 7z || command -v 7za)
    if [ -z "$SEVEN" ]; then
        echo "SKIP: no 7-Zip (apt-get install 7zip or p7zip-full; listed in .ci/apt.d/archive.txt)"
        exit 77
    fi
    printf 'correct horse battery staple\n' >pw
    expect 0 "" -- "$QDX" archive "$DATA/tiny-media.json" enc.zip --encrypt --password-file pw
    mkdir nopw wrong good
    (cd nopw && "$SEVEN" x ../enc.zip </dev/null >/dev/null 2>&1) && fail "7-Zip opened it without a password" || pass "7-Zip refuses without a password"
    (cd wrong && "$SEVEN" x -pwrong ../enc.zip </dev/null >/dev/null 2>&1) && fail "7-Zip opened it with a wrong password" || pass "7-Zip refuses a wrong password"
    (cd good && "$SEVEN" x '-pcorrect horse battery staple' ../enc.zip </dev/null >/dev/null 2>&1) && pass "7-Zip opens it with the password" || fail "7-Zip cannot open it with the password"
    (cd good && "$SEVEN" x bag.zip </dev/null >/dev/null 2>&1) && pass "7-Zip unpacks the inner bag" || fail "7-Zip cannot unpack the inner bag"
    sha_check good/enc
    expect 0 "valid bag" -- "$QDX" archive --verify good/enc
    ;;
sample)
    SAMPLE=$SRC/samples/hti-central-asia/hti-central-asia.json
    [ -f "$SAMPLE" ] || { echo "FAIL: $SAMPLE missing"; exit 1; }
    expect 0 "" -- "$QDX" archive "$SAMPLE" hti-bag.zip
    expect 0 "valid bag" -- "$QDX" archive --verify hti-bag.zip
    expect 0 "" -- "$QDX" convert hti-bag.zip hti-back.json
    expect 0 "equal" -- "$QDX" diff "$SAMPLE" hti-back.json
    expect 0 "" -- "$QDX" archive "$SAMPLE" hti-bag
    sha_check hti-bag
    expect 0 "equal" -- "$QDX" diff "$SAMPLE" hti-bag
    printf 'pw for the sample\n' >pw
    expect 0 "" -- "$QDX" archive "$SAMPLE" hti-enc.zip --encrypt --password-file pw
    expect 0 "equal" -- "$QDX" diff "$SAMPLE" hti-enc.zip --password-file pw
    ;;
streaming)
    # Flat memory: archiving and verifying a large video (sparse, QDX_ARCHIVE_BIG_MB,
    # default 256) takes no more resident memory than a 1 MiB one, give or take 16 MiB
    # (a difference, so that it also holds under ASan, whose baseline is larger).
    [ -x /usr/bin/time ] || { echo "SKIP: /usr/bin/time (package time) is missing"; exit 77; }
    mb=${QDX_ARCHIVE_BIG_MB:-256}
    for size in 1 "$mb"; do
        truncate -s "${size}M" "v$size.mp4"
        printf '{"qdx": "1.0", "project": {"name": "big"}, "sources": [{"id": "V1", "name": "video", "kind": "video", "content": {"mediaType": "video/mp4", "size": %d, "href": "v%s.mp4"}}]}\n' $((size * 1048576)) "$size" >"v$size.json"
    done
    for kind in bag bag.zip; do
        for size in 1 "$mb"; do
            /usr/bin/time -f %M -o "rss-a-$size" "$QDX" archive "v$size.json" "v$size$kind" -q && pass "archive v$size$kind" || fail "archive v$size$kind"
            /usr/bin/time -f %M -o "rss-v-$size" "$QDX" archive --verify "v$size$kind" -q && pass "verify v$size$kind" || fail "verify v$size$kind"
        done
        for step in a v; do
            small=$(cat "rss-$step-1") big=$(cat "rss-$step-$mb")
            [ $((big - small)) -lt 16384 ] && pass "$kind ($step): RSS $big KB for ${mb} MiB vs $small KB for 1 MiB" \
                || fail "$kind ($step): RSS grows with the video: $big KB for ${mb} MiB vs $small KB for 1 MiB"
        done
    done
    cmp -s "v$mb.mp4" "v${mb}bag/data/sources/V1.mp4" && pass "video copied exactly" || fail "video differs"
    rm -rf v1* "v$mb"* rss-*
    ;;
cli)
    expect 0 "archive" -- "$QDX" --help
    expect 0 "--verify" -- "$QDX" archive --help
    expect 2 "" -- "$QDX" archive onlyone
    expect 3 "not a bag" -- "$QDX" archive --verify "$DATA/tiny-media.json"
    mkdir notabag
    expect 3 "bagit.txt" -- "$QDX" archive --verify notabag
    ;;
*)
    echo "unknown part $PART"; exit 2 ;;
esac

if [ $fails -ne 0 ]; then
    echo "$fails failure(s) in part $PART"
    exit 1
fi
echo "part $PART: all passed"
