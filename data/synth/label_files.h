// Which video gets which id, split and class, and the SSv2 label files' text.
//
// Design decision: the whole index of a dataset (ids, splits, classes,
// labels) is a pure function of (kind, seed, split sizes), computed without
// rendering; the JSON is written with insertion-ordered keys and no
// floating-point values, so the files are byte-identical across runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataset_kind.h"

namespace grain::data::synth {

/// One video of the dataset: its id (also its index for the random streams) and labels.
struct VideoEntry {
  std::string id;     // "1", "2", ... (train first, then validation, test, probe)
  std::string split;  // "train" | "validation" | "test" | "probe"
  uint64_t index = 0;
  VideoLabel label;
};

/// Class of the local_index-th video of a split: each consecutive block of
/// `classes` videos holds every class once, in a seeded random order (balanced,
/// and no visible cycle in id order).
int class_for(uint64_t seed, int split_code, int64_t local_index, int classes);

/// All entries of a dataset in id order.
std::vector<VideoEntry> plan_entries(const DatasetKind& kind, uint64_t seed, const SplitSizes& splits);

/// labels.json: {"<category name>": "<index>", ...} in class-index (alphabetical) order.
std::string labels_json(const DatasetKind& kind);
/// groups.json: {"<group>": ["<category name>", ...], ...}, groups alphabetical.
std::string groups_json(const DatasetKind& kind);
/// <split>.json: [{"id", "label", "template", "placeholders"}, ...]; test entries carry only the id.
std::string split_json(const std::vector<VideoEntry>& entries, const std::string& split);
/// attributes.json: {"<id>": [{"shape": "star", "colour": "red", "size": "big", "pattern": "striped"}, ...], ...}:
/// per video of every split (test included), one object per placeholder in order (A, then B).
std::string attributes_json(const std::vector<VideoEntry>& entries);
/// Whether the kind recorded attributes for any entry (synth-ss does; synth-kitchen not yet).
bool has_attributes(const std::vector<VideoEntry>& entries);

}  // namespace grain::data::synth
