// defines: resolve_folder, lies_inside, resolve_inside (see path_inside.h)
#include "data/common/path_inside.h"

#include <algorithm>
#include <cstdio>

#include "data/common/error.h"

namespace grain::data {

namespace fs = std::filesystem;

fs::path resolve_folder(const fs::path& folder) {
  std::error_code ec;
  fs::path resolved = fs::weakly_canonical(fs::absolute(folder, ec), ec);
  if (ec) throw DataError(folder.string() + ": cannot resolve the path: " + ec.message());
  return resolved;
}

bool lies_inside(const fs::path& resolved, const fs::path& resolved_root) {
  // Both are canonical: no "." or ".." components remain to confuse the comparison.
  auto root_end = resolved_root.end();
  if (resolved_root.filename().empty() && resolved_root.has_relative_path()) --root_end;  // a trailing '/'
  const auto [r, p] = std::mismatch(resolved_root.begin(), root_end, resolved.begin(), resolved.end());
  return r == root_end && p != resolved.end();
}

fs::path resolve_inside(const fs::path& path, const fs::path& resolved_root, const std::string& what) {
  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(fs::absolute(path, ec), ec);
  if (ec) throw DataError(what + ": " + path.string() + ": cannot resolve the path: " + ec.message());
  if (!lies_inside(resolved, resolved_root))
    throw DataError(what + ": " + path.string() + " resolves to " + resolved.string() + ", outside " +
                    resolved_root.string());
  return resolved;
}

std::string quoted_name(std::string_view name, size_t max_bytes) {
  std::string out = "\"";
  for (size_t i = 0; i < name.size() && i < max_bytes; ++i) {
    const auto byte = static_cast<unsigned char>(name[i]);
    if (byte == '"' || byte == '\\') {
      out += '\\';
      out += name[i];
    } else if (byte == '\n') {
      out += "\\n";
    } else if (byte < 0x20 || byte == 0x7F) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", byte);
      out += hex;
    } else {
      out += name[i];
    }
  }
  if (name.size() > max_bytes) out += "...";
  return out + "\"";
}

}  // namespace grain::data
