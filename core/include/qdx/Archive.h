#pragma once
/// Archiving a project as a BagIt 1.0 bag (RFC 8493): a folder or a zip
/// holding the canonical JSON, the original input, the source documents and
/// the JSON Schema, with SHA-256 manifests; verifying such a bag; and reading
/// a project back from one. Optionally the bag zip is wrapped in an AES-256
/// zip (see docs/archiving.md for what that does and does not protect).
///
/// Layout (the base folder is the bag's name; in a zip it is the one top folder):
///
///     bagit.txt  bag-info.txt  README.txt  manifest-sha256.txt  tagmanifest-sha256.txt
///     data/project.json                    canonical JSON; content of sources by "href"
///     data/original/<input file name>      the file as received
///     data/sources/<source id>.<ext>       source documents and media
///     data/schemas/qdx-project-1.0.schema.json
///
/// An encrypted bag is a zip with one AES-256 member, `bag.zip`, which is the
/// bag zip above: names, count and sizes of the files inside are hidden.

#include "qdx/Diagnostics.h"
#include "qdx/Model.h"
#include "qdx/Registry.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qdx {

/// The member name of the inner bag inside an encrypted bag.
inline constexpr const char* kEncryptedBagMember = "bag.zip";

struct ArchiveOptions {
    bool zip = false;          ///< write a zip instead of a folder (implied by a password)
    std::string password;      ///< non-empty: wrap the bag zip in an AES-256 zip
    std::string formatName;    ///< the format the original was read with, for bag-info.txt
    /// Where the unencrypted inner zip is spooled while an encrypted bag is
    /// written or read (a private folder is made inside); empty = the system temp folder.
    std::string tempFolder;
};

/// What was written.
struct ArchiveSummary {
    std::uint64_t payloadBytes = 0;
    std::uint64_t payloadFiles = 0;
    std::uint64_t sourceFiles = 0;  ///< files under data/sources
};

/// Writes `p` as a bag at `outPath`. `originalPath` is the input file as
/// received (copied to data/original/, streamed); empty = none. The canonical
/// JSON is written by the "json" format of `registry`. Content is streamed
/// and hashed while it is written; a folder is written beside the target and
/// renamed, a zip through AtomicFile. Throws OutputError (also when the
/// target folder exists), InputError when a source cannot be read, UsageError
/// when the registry has no "json" format.
ArchiveSummary writeBag(const Project& p, const std::string& originalPath, const std::string& outPath,
                        const FormatRegistry& registry, const ArchiveOptions& options, Diagnostics& diag);

/// One thing wrong with a bag.
struct BagProblem {
    std::string path;     ///< the file concerned, relative to the bag base ("data/sources/A.mp4"); may be empty
    std::string message;
};

/// Checks completeness and fixity of a folder, zip or encrypted bag: bagit.txt
/// is right, every payload file is listed and present, no unlisted payload
/// file, every checksum of manifest-sha256.txt and tagmanifest-sha256.txt is
/// right, Payload-Oxum is right. Returns the problems (empty = valid). Throws
/// InputError when `path` is not a bag at all or cannot be opened (a wrong or
/// missing password included).
std::vector<BagProblem> verifyBag(const std::string& path, const std::string& password = {});

/// True when `path` is a bag folder (with bagit.txt), a zip whose root or one
/// top folder holds bagit.txt, or an encrypted bag. Never throws.
bool isBag(const std::string& path);

/// True when `path` is an encrypted bag (an AES zip holding only `bag.zip`). Never throws.
bool isEncryptedBag(const std::string& path);

/// Reads the project of a bag: data/project.json through the "json" format of
/// `registry`, with source content served from data/sources/ of the bag
/// (streamed from the zip, decrypted on the fly for an encrypted bag; an
/// encrypted bag's inner zip is spooled to a private temporary file, removed
/// when the last blob of the project is released). Does not verify fixity.
Project readBag(const std::string& path, const std::string& password, const FormatRegistry& registry,
                Diagnostics& diag);

/// Reads a password for --password-file (the first line, without its line end)
/// or --password-env (the variable's value). Throws UsageError when empty or unreadable.
std::string readPasswordFile(const std::string& path);
std::string readPasswordEnv(const std::string& variable);

} // namespace qdx
