// defines: grain::metrics::Prediction, Predictions, parse_predictions,
//          read_predictions, match_split
//
// The one reader of predictions files, the JSON lines the trainer writes
// (RUN/predictions-<split>.jsonl) and `evaluate` and the reproduction's
// template baseline read, one video each,
//   {"id": "78687", "caption": "holding potato next to a bottle", "class": 12}
// with an optional "top5": [12, 3, 40, 7, 1] (classes, best first) for top-5
// accuracy. "caption" or "class" may be left out, but then in every line
// (a classification-only or caption-only model).
// Design: everything is validated while reading, and every error names the
// file and the line ("preds.jsonl:17: duplicate id \"78687\" (first on line 3)"),
// so a bad file fails before any number is printed. Lines are parsed with
// data/common's parse_json (nesting at most 64 levels) and wrong values are
// shown with describe_json, so no line, however nested, can crash the reader.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace grain::metrics {

struct Prediction {
  std::string id;
  std::optional<std::string> caption;
  std::optional<int> category;
  std::vector<int> top5;  // empty when the line has no "top5"
  int line = 0;           // 1-based line in the file
};

struct Predictions {
  std::vector<Prediction> rows;  // in file order; ids unique
  bool has_captions = false, has_classes = false, has_top5 = false;
};

// Parses JSON-lines text. `name` is used in error messages; classes must be
// in [0, num_classes). Blank lines are skipped. Throws grain::data::DataError.
Predictions parse_predictions(const std::string& text, const std::string& name, int num_classes);

// Reads and parses a file.
Predictions read_predictions(const std::filesystem::path& file, int num_classes);

// The prediction of each id of `split_ids`, in that order. Every split id
// must have a prediction and every prediction must be a split id; otherwise
// DataError naming the file (and the line of an unknown id).
std::vector<const Prediction*> match_split(const Predictions& predictions, const std::vector<std::string>& split_ids,
                                           const std::string& name, const std::string& split_name);

}  // namespace grain::metrics
