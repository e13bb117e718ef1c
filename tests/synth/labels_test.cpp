// Label consistency of synth-ss and synth-kitchen: the SSv2 rules (captions
// are templates with the placeholders filled in, class indices follow the
// alphabetical order of names, every category in exactly one group) and the
// class balance of the splits.
#include <catch2/catch.hpp>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "data/common/error.h"
#include "data/synth/dataset_kind.h"
#include "data/synth/label_files.h"
#include "data/synth/object_spec.h"

namespace synth = grain::data::synth;

namespace {

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

}  // namespace

TEST_CASE("synth: fill_template replaces each [something] in order and lower-cases", "[synth]") {
  CHECK(synth::fill_template("Putting [something] next to [something]", {"a big red star", "a small blue ring"}) ==
        "putting a big red star next to a small blue ring");
  CHECK(synth::fill_template("Doing other things", {}) == "doing other things");
  CHECK(synth::category_name("Putting [something] next to [something]") == "Putting something next to something");
  CHECK_THROWS_AS(synth::fill_template("Moving [something] up", {}), std::invalid_argument);
}

TEST_CASE("synth: object phrases name all four attributes and end with the shape", "[synth]") {
  synth::Rng rng(3);
  for (int i = 0; i < 200; ++i) {
    const synth::ObjectSpec o = synth::random_object(rng);
    const std::string p = synth::phrase(o);
    const std::string shape = synth::shape_name(o.shape);  // the last word is the shape
    REQUIRE(p.size() > shape.size() + 1);
    CHECK(p.compare(p.size() - shape.size(), shape.size(), shape) == 0);
    CHECK(p[p.size() - shape.size() - 1] == ' ');
    CHECK(p.find(synth::colour_name(o.colour)) != std::string::npos);
    CHECK(p.find(o.size == synth::Size::kSmall ? "small" : "big") != std::string::npos);
    CHECK((p.find("striped") != std::string::npos) == (o.pattern == synth::Pattern::kStriped));
    CHECK((p.find("dotted") != std::string::npos) == (o.pattern == synth::Pattern::kDotted));
  }
}

TEST_CASE("synth: both kinds follow the SSv2 label rules", "[synth]") {
  for (const std::string& name : synth::dataset_kind_names()) {
    INFO(name);
    const auto kind = synth::make_dataset_kind(name);
    const auto& classes = kind->classes();
    // Class index = alphabetical order of the category names, names unique.
    for (size_t i = 1; i < classes.size(); ++i)
      CHECK(synth::category_name(classes[i - 1].template_text) < synth::category_name(classes[i].template_text));
    // Every category in exactly one group (by construction: one group field), and groups are
    // coarser than categories.
    std::set<std::string> groups;
    for (const auto& c : classes) groups.insert(c.group);
    CHECK(groups.size() > 1);
    CHECK(groups.size() < classes.size());

    const synth::SplitSizes sizes = kind->default_splits();
    const auto entries = synth::plan_entries(*kind, 11, sizes);
    REQUIRE(static_cast<int64_t>(entries.size()) == sizes.train + sizes.validation + sizes.test);
    std::map<int, int> train_count;
    std::set<std::string> ids;
    for (const auto& e : entries) {
      CHECK(ids.insert(e.id).second);
      const auto& l = e.label;
      CHECK(l.template_text == classes[static_cast<size_t>(l.class_index)].template_text);
      CHECK(static_cast<int>(l.placeholders.size()) == synth::count_placeholders(l.template_text));
      CHECK(l.caption == lower(synth::fill_template(l.template_text, l.placeholders)));
      CHECK(l.caption == lower(l.caption));
      if (e.split == "train") ++train_count[l.class_index];
    }
    // Every class present in train, balanced to within one video.
    REQUIRE(train_count.size() == classes.size());
    int lo = 1 << 30, hi = 0;
    for (const auto& [c, n] : train_count) lo = std::min(lo, n), hi = std::max(hi, n);
    CHECK(hi - lo <= 1);
  }
}

TEST_CASE("synth-ss: about 30 categories in about 10 groups, with pretending and failing", "[synth]") {
  const auto kind = synth::make_dataset_kind("synth-ss");
  const auto& classes = kind->classes();
  CHECK(classes.size() >= 28);
  CHECK(classes.size() <= 40);
  std::set<std::string> groups;
  int pretending = 0, failing = 0;
  for (const auto& c : classes) {
    groups.insert(c.group);
    pretending += c.template_text.rfind("Pretending", 0) == 0;
    failing += c.template_text.rfind("Trying but failing", 0) == 0;
  }
  CHECK(groups.size() >= 8);
  CHECK(groups.size() <= 12);
  CHECK(pretending >= 3);
  CHECK(failing >= 1);
  // Two placeholders where a relation is named, e.g. "Putting [something] next to [something]".
  bool has_relation = false;
  for (const auto& c : classes) has_relation |= c.template_text == "Putting [something] next to [something]";
  CHECK(has_relation);
}

TEST_CASE("synth-kitchen: 13 classes x 30 videos, using / pretending / failing per utensil", "[synth]") {
  const auto kind = synth::make_dataset_kind("synth-kitchen");
  const auto& classes = kind->classes();
  REQUIRE(classes.size() == 13);
  for (const char* u : {"a fork", "a spoon", "tongs", "a knife"}) {
    int n = 0;
    for (const auto& c : classes) n += synth::category_name(c.template_text).find(u) != std::string::npos;
    CHECK(n == 3);
  }
  CHECK(synth::category_name(classes[0].template_text) == "Doing other things");
  std::set<std::string> names;
  for (const auto& c : classes) names.insert(synth::category_name(c.template_text));
  for (const char* n : {"Using a fork to pick something up", "Pretending to use a fork to pick something up",
                        "Trying but failing to pick something up with a fork", "Using a knife to cut something",
                        "Pretending to use a knife to cut something", "Trying but failing to cut something with a knife"})
    CHECK(names.count(n) == 1);
  const auto entries = synth::plan_entries(*kind, 5, kind->default_splits());
  std::map<int, int> count;
  for (const auto& e : entries) ++count[e.label.class_index];
  REQUIRE(count.size() == 13);
  for (const auto& [c, n] : count) CHECK(n == 30);
}

TEST_CASE("synth: utensils of synth-kitchen never appear in synth-ss captions", "[synth]") {
  const auto kind = synth::make_dataset_kind("synth-ss");
  for (const auto& e : synth::plan_entries(*kind, 2, {340, 0, 0}))
    for (const char* u : {"fork", "spoon", "knife", "tongs"}) CHECK(e.label.caption.find(u) == std::string::npos);
}

TEST_CASE("synth: labels depend only on (seed, index, class)", "[synth]") {
  const auto kind = synth::make_dataset_kind("synth-ss");
  const auto a = synth::plan_entries(*kind, 9, {100, 10, 10});
  const auto b = synth::plan_entries(*kind, 9, {100, 10, 10});
  const auto c = synth::plan_entries(*kind, 10, {100, 10, 10});
  REQUIRE(a.size() == b.size());
  int differ = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    CHECK(a[i].label.caption == b[i].label.caption);
    differ += a[i].label.caption != c[i].label.caption;
  }
  CHECK(differ > 50);  // another seed, other videos
  CHECK(synth::labels_json(*kind) == synth::labels_json(*kind));
  CHECK(synth::split_json(a, "train") == synth::split_json(b, "train"));
}

TEST_CASE("synth: a class index out of range is a DataError (a grain::Error) naming the kind", "[synth]") {
  for (const std::string& name : synth::dataset_kind_names()) {
    const auto kind = synth::make_dataset_kind(name);
    const int n = static_cast<int>(kind->classes().size());
    for (const int bad : {-1, n}) {
      INFO(name << " class " << bad);
      CHECK_THROWS_AS(kind->label(1, 0, bad), grain::data::DataError);
      CHECK_THROWS_AS(kind->scene(1, 0, bad, 64, 48), grain::Error);
      CHECK_THROWS_WITH(kind->label(1, 0, bad),
                        Catch::StartsWith("data/synth/class_table.h:") &&
                            Catch::Contains(name + ": class index " + std::to_string(bad) + " out of range"));
    }
  }
}

TEST_CASE("synth: labels.json and groups.json: every category in exactly one group", "[synth]") {
  for (const std::string& name : synth::dataset_kind_names()) {
    INFO(name);
    const auto kind = synth::make_dataset_kind(name);
    const auto labels = nlohmann::json::parse(synth::labels_json(*kind));
    const auto groups = nlohmann::json::parse(synth::groups_json(*kind));
    REQUIRE(labels.size() == kind->classes().size());
    std::map<std::string, int> seen;
    for (const auto& [group, members] : groups.items())
      for (const auto& m : members) ++seen[m.get<std::string>()];
    REQUIRE(seen.size() == labels.size());
    for (const auto& [category, index] : labels.items()) {
      CHECK(seen[category] == 1);
      const int i = std::stoi(index.get<std::string>());
      CHECK(synth::category_name(kind->classes()[static_cast<size_t>(i)].template_text) == category);
    }
  }
}
