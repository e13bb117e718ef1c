// The classes of a dataset kind in class-index order, each with the
// definition its script needs.
//
// Design decision: both kinds list their categories in one table (template,
// group, what the script does); this class turns such a table into the SSv2
// class order (sorted by category name), looks a class up with a range check
// and fills its template into the video's labels, so a kind only says which
// phrases name its objects.
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "data/common/error.h"
#include "dataset_kind.h"

namespace grain::data::synth {

/// Def: any type with `template_text` and `group` convertible to std::string.
template <class Def>
class ClassTable {
 public:
  /// `kind` names the dataset in errors; `defs` in any order.
  ClassTable(std::string kind, std::vector<Def> defs) : kind_(std::move(kind)), defs_(std::move(defs)) {
    std::stable_sort(defs_.begin(), defs_.end(), [](const Def& a, const Def& b) {
      return category_name(a.template_text) < category_name(b.template_text);
    });
    for (const Def& d : defs_) classes_.push_back({d.template_text, d.group});
  }

  const std::vector<ClassInfo>& classes() const { return classes_; }

  /// The definition of class `cls`; throws DataError naming the kind when out of range.
  const Def& def(int cls) const {
    if (cls < 0 || cls >= static_cast<int>(defs_.size()))
      throw DataError(kind_ + ": class index " + std::to_string(cls) + " out of range [0, " +
                      std::to_string(defs_.size()) + ")");
    return defs_[static_cast<size_t>(cls)];
  }

  /// The labels of a video of class `cls` whose objects are named by `phrases`, in
  /// placeholder order; the template uses as many as it has placeholders.
  VideoLabel label(int cls, const std::vector<std::string>& phrases) const {
    VideoLabel l;
    l.class_index = cls;
    l.template_text = def(cls).template_text;
    const auto n = static_cast<size_t>(count_placeholders(l.template_text));
    if (n > phrases.size())
      throw DataError(kind_ + ": '" + l.template_text + "' needs " + std::to_string(n) + " phrases, got " +
                      std::to_string(phrases.size()));
    l.placeholders.assign(phrases.begin(), phrases.begin() + static_cast<std::ptrdiff_t>(n));
    l.caption = fill_template(l.template_text, l.placeholders);
    return l;
  }

 private:
  std::string kind_;
  std::vector<Def> defs_;
  std::vector<ClassInfo> classes_;
};

}  // namespace grain::data::synth
