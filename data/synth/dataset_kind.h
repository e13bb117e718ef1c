// What a generated dataset is: its classes (SSv2-style templates with
// groups) and, for any video index, its labels and its scene.
//
// Design decision: labels and pixels are two functions of the same
// (seed, index, class): label() draws only the objects' attributes and is
// cheap, so the label files of a 100k-video set are written without
// rendering anything, and scene() replays the same draws before building the
// scene. A video's class is chosen by the writer (balanced per split), not
// by the kind.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "scene.h"

namespace grain::data::synth {

/// One class: its SSv2 template (with [something] placeholders) and its action group.
struct ClassInfo {
  std::string template_text;
  std::string group;
};

/// What the generator knows of one placeholder's object, as (attribute,
/// value) pairs in a fixed order: ("shape", "star"), ("colour", "red"), ...
using ObjectAttributes = std::vector<std::pair<std::string, std::string>>;

/// The labels of one video, as the SSv2 files store them, and the attributes
/// behind its placeholders (attributes.json; empty when the kind records none).
struct VideoLabel {
  int class_index = 0;
  std::string template_text;              // "Putting [something] next to [something]"
  std::vector<std::string> placeholders;  // full phrases, one per [something]
  std::string caption;                    // lower-case template with placeholders filled in
  std::vector<ObjectAttributes> attributes;  // one per placeholder, or none
};

/// Default number of videos in train, validation and test.
struct SplitSizes {
  int64_t train = 0, validation = 0, test = 0;
  // A labelled split no training, validation or selection reads: what the
  // information probes measure encoders on (probe.json). 0 by default.
  int64_t probe = 0;
};

class DatasetKind {
 public:
  virtual ~DatasetKind() = default;
  /// "synth-ss" or "synth-kitchen".
  virtual std::string name() const = 0;
  /// Classes sorted by category name (template without brackets), so the position is the class index.
  virtual const std::vector<ClassInfo>& classes() const = 0;
  /// Default split sizes of this kind.
  virtual SplitSizes default_splits() const = 0;
  /// Labels of video `index` of class `class_index`; depends only on the arguments.
  virtual VideoLabel label(uint64_t seed, uint64_t index, int class_index) const = 0;
  /// The scene of the same video at width x height.
  virtual Scene scene(uint64_t seed, uint64_t index, int class_index, int width, int height) const = 0;
};

/// The kind named `name` ("synth-ss" or "synth-kitchen"); throws std::invalid_argument otherwise.
std::unique_ptr<DatasetKind> make_dataset_kind(const std::string& name);
/// The names make_dataset_kind accepts.
std::vector<std::string> dataset_kind_names();

/// SSv2 category name: the template with "[" and "]" removed.
std::string category_name(const std::string& template_text);
/// The caption: template with each [something] replaced by the next placeholder, lower-cased.
/// Throws std::invalid_argument when the counts differ.
std::string fill_template(const std::string& template_text, const std::vector<std::string>& placeholders);
/// Number of [something] placeholders in a template.
int count_placeholders(const std::string& template_text);

}  // namespace grain::data::synth
