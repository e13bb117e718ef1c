// Something-Something V2 annotations: labels, splits, action groups, and the
// four label views of each video (group, category, simplified caption, caption).
// Design: everything is read and validated once at load, so a bad file fails
// before training starts, with a message naming the file and the entry; after
// load the object is immutable and can be shared by loader threads.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace grain::data {

// A video id becomes a file name (videos/<id>.webm, frames/<id>/), so it is
// at most this many bytes: the longest file name of ext4, XFS and NTFS, and
// far above the ids of any release (SSv2's are at most 6 digits).
inline constexpr size_t kMaxVideoIdBytes = 255;

// Why `id` cannot be a video id, or nullopt when it can: ids are non-empty, at
// most kMaxVideoIdBytes bytes, free of ASCII control characters (0x00-0x1F,
// 0x7F: a NUL would cut the path, a newline split a log line) and of path
// separators ('/', '\\'), and neither "." nor "..". The reason reads after
// "id ...": "contains the control character 0x0A".
std::optional<std::string> video_id_problem(std::string_view id);

// Where the files of a dataset are. File names are config fields (relative
// to root, or absolute); both the short and the real release names work.
struct DatasetLayout {
  std::filesystem::path root;
  std::string labels = "labels.json", train = "train.json", validation = "validation.json",
              test = "test.json", groups = "groups.json", videos = "videos", frames = "frames";

  // Short names when root/labels.json exists, else the release names
  // (something-something-v2-<labels|train|validation|test>.json) when those exist;
  // videos = "20bn-something-something-v2" when "videos" is absent and that folder exists.
  static DatasetLayout detect(const std::filesystem::path& root);

  // root / name (an absolute name is returned as is).
  std::filesystem::path file(const std::string& name) const { return root / name; }
  // The JSON file of a split ("train" | "validation" | "test"); throws DataError otherwise.
  std::filesystem::path split_file(std::string_view split) const;
  // The paths below are lexical (root / folder / id); the clip sources
  // (data/loader/clip_source.h) resolve symbolic links and keep every video
  // inside the resolved videos/ or frames/ folder.
  // videos/<id>.{webm,mp4,mkv,avi,mov} when one exists, else any videos/<id>.* file
  // (a folder scan), else videos/<id>.webm (which then fails to open, naming the path).
  std::filesystem::path video_path(const std::string& id) const;
  // frames/<id> (a folder of JPEG frames 000001.jpg, ...).
  std::filesystem::path frames_path(const std::string& id) const { return root / frames / id; }
};

// The label views of one video. Test entries have only `id` (category = group = -1).
struct VideoLabel {
  std::string id;
  std::string caption;             // full caption: the entry's "label", lower-case
  std::string template_name;       // "Holding [something] next to [something]"
  std::vector<std::string> placeholders;
  int category = -1;               // fine-grained class: labels.json index of the template
  int group = -1;                  // coarse class: index of the category's action group (-1: no groups.json)
  std::string simplified_caption;  // placeholders reduced to their last word; = caption when counts mismatch
};

// The raw text of the annotation files, for parsing without a file system
// (tests, fuzzing). Empty split text = that split is absent.
struct AnnotationTexts {
  std::string labels, groups, train, validation, test;
  // Names used in error messages.
  std::string labels_name = "labels.json", groups_name = "groups.json", train_name = "train.json",
              validation_name = "validation.json", test_name = "test.json";
};

class Annotations {
 public:
  // Reads labels (required), groups (optional: warns and sets group = -1 when the
  // file is absent) and the split files that exist. Validation (DataError naming the
  // file and the entry): labels indices are 0..n-1 without duplicates; every group
  // member is a known category and every category is in exactly one group; every
  // entry has id/label/template/placeholders of the right JSON types, its template
  // is in labels; every id passes video_id_problem, is unique within its split and
  // is in one split only (an id in two splits, e.g. train and validation, would
  // leak evaluation videos into training: the error names the id and both files).
  // A placeholder count different from the template's slot count is a warning,
  // and the simplified caption keeps the label.
  static Annotations load(const DatasetLayout& layout);
  static Annotations parse(const AnnotationTexts& texts);

  const std::vector<std::string>& category_names() const { return category_names_; }
  const std::vector<std::string>& group_names() const { return group_names_; }
  // Group index of each category (-1 everywhere when there is no groups.json).
  const std::vector<int>& category_groups() const { return category_groups_; }
  bool has_groups() const { return !group_names_.empty(); }
  bool has_split(std::string_view name) const;
  // The videos of a split in file order; throws DataError when the split is unknown or absent.
  std::vector<VideoLabel> split(std::string_view name) const;
  // Entries whose placeholder count did not match their template (warnings at load).
  int placeholder_mismatches() const { return placeholder_mismatches_; }

 private:
  static Annotations parse_checked(const AnnotationTexts& texts);
  std::vector<std::string> category_names_, group_names_;
  std::vector<int> category_groups_;
  std::map<std::string, int, std::less<>> category_index_;
  std::map<std::string, std::vector<VideoLabel>, std::less<>> splits_;
  int placeholder_mismatches_ = 0;
};

}  // namespace grain::data
