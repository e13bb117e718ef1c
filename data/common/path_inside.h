// defines: grain::data::resolve_folder, lies_inside, resolve_inside, quoted_name
//
// Keeping dataset paths inside their folder. A dataset is untrusted input:
// a symbolic link videos/<id>.webm -> /etc/shadow, or a frame folder or frame
// file linking out of the dataset, would make a reader open (and a message
// describe) a file the dataset has no business naming. Design: the trusted
// top-level folders (the dataset root, its videos/ and frames/, which users
// may well point at another disk with a link) are resolved once with every
// link followed; each path below them is resolved the same way and must
// still lie inside, and the resolved path is the one opened, so what is
// checked is what is read.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

namespace grain::data {

// `folder` with every symbolic link resolved and made absolute
// (std::filesystem::weakly_canonical: a missing tail is kept as written, so
// a missing folder fails later, where it is opened, naming its path).
std::filesystem::path resolve_folder(const std::filesystem::path& folder);

// Whether `resolved` lies strictly inside `resolved_root` (both results of
// resolve_folder): compared component by component, so /data/videos2/x is
// not inside /data/videos, and the root itself is not inside.
bool lies_inside(const std::filesystem::path& resolved, const std::filesystem::path& resolved_root);

// `path` resolved like resolve_folder when that lies strictly inside
// `resolved_root` (a result of resolve_folder); otherwise DataError
// "<what>: <path> resolves to <target>, outside <resolved_root>". `what`
// names the owner of the path, e.g. video "78687".
std::filesystem::path resolve_inside(const std::filesystem::path& path, const std::filesystem::path& resolved_root,
                                     const std::string& what);

// A name from an untrusted file (a video id, a checkpoint name) for an error
// message: in double quotes, with control bytes, '"' and '\\' escaped (\n,
// \x00, \x7f, \", \\) and cut after max_bytes bytes with "...", so a name
// holding a newline, a NUL or megabytes stays one short line.
std::string quoted_name(std::string_view name, size_t max_bytes = 60);

}  // namespace grain::data
