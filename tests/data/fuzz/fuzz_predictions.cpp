// libFuzzer target: arbitrary text as a predictions file (JSON lines) through
// parse_predictions. data/metrics/predictions.cpp (grain_metrics) is linked into this
// target (see tests/data/CMakeLists.txt). Any DataError is an expected
// outcome; a crash, sanitizer report or hang is a bug. A file that parses
// must keep the reader's promises, or the target aborts: at least one row;
// ids unique; classes and top-5 entries in [0, kClasses); line numbers
// increasing; every row has a caption when has_captions, a class when
// has_classes, a top-5 list when has_top5; and the file matched against its
// own ids gives every row back in order.
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <vector>

#include "data/common/error.h"
#include "data/metrics/predictions.h"

namespace {
constexpr int kClasses = 174;  // SSv2's categories
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using grain::metrics::Prediction;
  const std::string text(reinterpret_cast<const char*>(data), size);
  grain::metrics::Predictions p;
  try {
    p = grain::metrics::parse_predictions(text, "predictions.jsonl", kClasses);
  } catch (const grain::data::DataError&) {
    return 0;
  }
  if (p.rows.empty() || !(p.has_captions || p.has_classes)) std::abort();
  std::set<std::string> ids;
  std::vector<std::string> order;
  int last_line = 0;
  for (const Prediction& row : p.rows) {
    if (!ids.insert(row.id).second || row.line <= last_line) std::abort();
    last_line = row.line;
    order.push_back(row.id);
    if (p.has_captions && !row.caption) std::abort();
    if (p.has_classes && (!row.category || *row.category < 0 || *row.category >= kClasses)) std::abort();
    if (p.has_top5 && row.top5.empty()) std::abort();
    for (const int c : row.top5)
      if (c < 0 || c >= kClasses) std::abort();
  }
  const std::vector<const Prediction*> matched = grain::metrics::match_split(p, order, "predictions.jsonl", "fuzz");
  if (matched.size() != p.rows.size()) std::abort();
  for (size_t i = 0; i < matched.size(); ++i)
    if (matched[i] != &p.rows[i]) std::abort();
  return 0;
}
