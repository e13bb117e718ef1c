// SSv2 annotations: label views against hand-worked values, both file namings,
// and validation errors that name the file and the entry.
#include <catch2/catch.hpp>

#include "data/common/error.h"
#include "data/ssv2/annotations.h"
#include "data/ssv2/template_text.h"
#include "ssv2_fixtures.h"
#include "temp_dir.h"

using namespace grain::data;
namespace fx = grain::data::testing;

TEST_CASE("data/template text rules", "[data][ssv2]") {
  CHECK(template_key("Holding [something] next to [something]") == "Holding something next to something");
  CHECK(count_placeholders("Holding [something] next to [something]") == 2);
  CHECK(count_placeholders("[Something] falling like a rock") == 1);
  CHECK(count_placeholders("No slots here") == 0);
  CHECK(last_word("a blue plastic cap") == "cap");
  CHECK(last_word("  cap  ") == "cap");
  CHECK(last_word("") == "");
  CHECK(simplified_caption("Holding [something] next to [something]", {"potato", "vicks vaporub bottle"}) ==
        "holding potato next to bottle");
  CHECK(simplified_caption("[Something] falling like a rock", {"A Red Ball"}) == "ball falling like a rock");
}

TEST_CASE("data/annotations: four label views, both namings", "[data][ssv2]") {
  for (bool release : {false, true}) {
    fx::TempDir dir("ssv2");
    fx::write_ssv2_annotations(dir.path(), release);
    const DatasetLayout layout = DatasetLayout::detect(dir.path());
    CHECK(layout.labels == (release ? "something-something-v2-labels.json" : "labels.json"));
    const Annotations a = Annotations::load(layout);
    REQUIRE(a.category_names().size() == 3);
    CHECK(a.category_names()[0] == "Dropping something");
    CHECK(a.category_names()[1] == "Holding something next to something");
    REQUIRE(a.group_names() == std::vector<std::string>{"holding", "moving"});
    const auto train = a.split("train");
    REQUIRE(train.size() == 3);
    CHECK(train[0].id == "78687");
    CHECK(train[0].category == 1);
    CHECK(train[0].group == 0);  // holding
    CHECK(train[0].caption == "holding potato next to vicks vaporub bottle");
    CHECK(train[0].simplified_caption == "holding potato next to bottle");
    CHECK(train[1].category == 2);
    CHECK(train[1].group == 1);  // moving
    CHECK(train[1].simplified_caption == "pushing cap from left to right");
    CHECK(train[2].category == 0);
    CHECK(train[2].group == 1);
    // Placeholder mismatch: warning, simplified caption keeps the label.
    const auto val = a.split("validation");
    REQUIRE(val.size() == 1);
    CHECK(val[0].simplified_caption == "dropping a ball");
    CHECK(a.placeholder_mismatches() == 1);
    const auto test = a.split("test");
    REQUIRE(test.size() == 2);
    CHECK(test[1].id == "1421");
    CHECK(test[0].category == -1);
    CHECK(test[0].group == -1);
    CHECK_THROWS_AS(a.split("bogus"), DataError);
  }
}

TEST_CASE("data/annotations: no groups.json gives group -1", "[data][ssv2]") {
  AnnotationTexts t;
  t.labels = fx::kLabelsJson;
  t.train = fx::kTrainJson;
  const Annotations a = Annotations::parse(t);
  CHECK_FALSE(a.has_groups());
  CHECK(a.split("train")[0].group == -1);
  CHECK_FALSE(a.has_split("validation"));
  CHECK_THROWS_WITH(a.split("validation"), Catch::Contains("absent"));
}

namespace {
std::string error_of(const AnnotationTexts& t) {
  try {
    Annotations::parse(t);
  } catch (const DataError& e) {
    return e.what();
  }
  return "no error";
}
AnnotationTexts base() {
  AnnotationTexts t;
  t.labels = fx::kLabelsJson;
  t.groups = fx::kGroupsJson;
  t.train = fx::kTrainJson;
  return t;
}
}  // namespace

TEST_CASE("data/annotations: validation errors name the file and the entry", "[data][ssv2]") {
  auto t = base();
  t.train = R"([{"id": "5", "label": "x", "template": "Flying [something]", "placeholders": ["x"]}])";
  auto msg = error_of(t);
  CHECK_THAT(msg, Catch::Contains("train.json entry 0 (id \"5\")") && Catch::Contains("not in labels.json") &&
                      Catch::Contains("annotations.cpp:"));

  t = base();
  t.train = R"([{"id": "5", "label": "x", "placeholders": ["x"]}])";
  CHECK_THAT(error_of(t), Catch::Contains("train.json entry 0 (id \"5\")") && Catch::Contains("\"template\""));

  t = base();
  t.train = R"([{"id": "5", "label": "x", "template": "Dropping [something]", "placeholders": "x"}])";
  CHECK_THAT(error_of(t), Catch::Contains("\"placeholders\" must be an array"));

  t = base();
  t.train = R"([{"id": "5", "label": "x", "template": "Dropping [something]", "placeholders": ["x"]}, )";
  CHECK_THAT(error_of(t), Catch::Contains("train.json: invalid JSON"));

  t = base();
  t.train = R"([{"id": "5", "label": "a", "template": "Dropping [something]", "placeholders": ["a"]},
                {"id": "5", "label": "b", "template": "Dropping [something]", "placeholders": ["b"]}])";
  CHECK_THAT(error_of(t), Catch::Contains("entry 1 (id \"5\"): duplicate id"));

  // Found by fuzz_annotations: a number too large for a double is json's out_of_range, not a parse_error.
  t = base();
  t.train = "4400000000000000000000000000000000000E000014347467612885206811";
  CHECK_THAT(error_of(t), Catch::Contains("train.json: invalid JSON"));

  t = base();
  t.labels = R"({"Dropping something": "0", "Holding something next to something": "0"})";
  CHECK_THAT(error_of(t), Catch::Contains("labels.json") && Catch::Contains("share index 0"));

  t = base();
  t.labels = R"({"Dropping something": "zero"})";
  CHECK_THAT(error_of(t), Catch::Contains("\"zero\" is not an integer"));

  t = base();
  t.groups = R"({"a": ["Dropping something"], "b": ["Dropping something", "Holding something next to something",
                 "Pushing something from left to right"]})";
  CHECK_THAT(error_of(t), Catch::Contains("groups.json") && Catch::Contains("in two groups"));

  t = base();
  t.groups = R"({"a": ["Dropping something"]})";
  CHECK_THAT(error_of(t), Catch::Contains("is in no group"));

  t = base();
  t.groups = R"({"a": ["Flying something"]})";
  CHECK_THAT(error_of(t), Catch::Contains("\"Flying something\" is not in labels"));
}

TEST_CASE("data/annotations: missing labels file names the path", "[data][ssv2]") {
  fx::TempDir dir("ssv2none");
  CHECK_THROWS_WITH(Annotations::load(DatasetLayout::detect(dir.path())), Catch::Contains("labels.json"));
}

TEST_CASE("data/annotations: layout detects the release video folder and finds other containers", "[data][ssv2]") {
  fx::TempDir dir("ssv2layout");
  fx::write_ssv2_annotations(dir.path(), true);
  std::filesystem::create_directories(dir / "20bn-something-something-v2");
  fx::write_text(dir / "20bn-something-something-v2" / "5.mp4", "x");
  fx::write_text(dir / "20bn-something-something-v2" / "6.ogv", "x");
  const DatasetLayout layout = DatasetLayout::detect(dir.path());
  CHECK(layout.videos == "20bn-something-something-v2");
  CHECK(layout.video_path("5").filename() == "5.mp4");
  CHECK(layout.video_path("6").filename() == "6.ogv");
  CHECK(layout.video_path("7").filename() == "7.webm");  // absent: the default name, which fails to open later
  CHECK(layout.frames_path("7") == dir.path() / "frames" / "7");
}

// Each annotation file with a value nested 100,000 deep (200 KB) is an error
// naming the file and the limit, before any message could print the value.
TEST_CASE("data/annotations: values nested 100,000 deep are errors naming the file", "[data][ssv2]") {
  const std::string bomb = std::string(100'000, '[') + "\"x\"" + std::string(100'000, ']');
  auto t = base();
  t.labels = R"({"Dropping something": )" + bomb + "}";
  CHECK_THAT(error_of(t), Catch::Contains("labels.json: invalid JSON: arrays/objects nested deeper than 64 levels"));
  t = base();
  t.groups = R"({"moving": )" + bomb + "}";
  CHECK_THAT(error_of(t), Catch::Contains("groups.json: invalid JSON: arrays/objects nested deeper than 64 levels"));
  const std::string entry_with_bomb[] = {
      R"({"id": )" + bomb + R"(, "label": "a", "template": "Dropping [something]", "placeholders": ["a"]})",
      R"({"id": "5", "label": )" + bomb + R"(, "template": "Dropping [something]", "placeholders": ["a"]})",
      R"({"id": "5", "label": "a", "template": )" + bomb + R"(, "placeholders": ["a"]})",
      R"({"id": "5", "label": "a", "template": "Dropping [something]", "placeholders": )" + bomb + "}",
  };
  for (const std::string& entry : entry_with_bomb) {
    t = base();
    t.train = "[" + entry + "]";
    CHECK_THAT(error_of(t), Catch::Contains("train.json: invalid JSON: arrays/objects nested deeper than 64 levels"));
  }
  // Up to the limit is accepted: the list and an entry are 2 levels, and an
  // unknown field (ignored) adds the rest.
  t = base();
  t.train = R"([{"id": "5", "label": "a", "template": "Dropping [something]", "placeholders": ["a"], "extra": )" +
            std::string(62, '[') + std::string(62, ']') + "}]";
  CHECK(error_of(t) == "no error");
  t.train = R"([{"id": "5", "label": "a", "template": "Dropping [something]", "placeholders": ["a"], "extra": )" +
            std::string(63, '[') + std::string(63, ']') + "}]";
  CHECK_THAT(error_of(t), Catch::Contains("nested deeper than 64 levels"));
}

// Ids become file names (videos/<id>.webm, frames/<id>/): each rule's error
// names the file, the entry index and the reason, and shows the id escaped
// and shortened (never a raw newline or NUL, never kilobytes).
TEST_CASE("data/annotations: ids are bounded, printable and free of path separators", "[data][ssv2]") {
  const auto entry = [](const std::string& id_json) {
    const std::string rest = R"("label": "a", "template": "Dropping [something]", "placeholders": ["a"]})";
    return R"([{"id": "1", )" + rest + ", {\"id\": " + id_json + ", " + rest + "]";
  };
  struct Case {
    std::string id_json, reason;
  };
  const Case bad[] = {
      {R"("12\u000034")", "control character 0x00"},  // a NUL would cut the path at "12"
      {R"("12\n34")", "control character 0x0A"},
      {R"("12\u007f")", "control character 0x7F"},
      {R"("a/b")", "path separator '/'"},
      {R"("..\\x")", "path separator '\\'"},
      {R"(".")", "names a folder"},
      {R"("..")", "names a folder"},
      {"\"" + std::string(256, '7') + "\"", "256 bytes long; ids are at most 255 bytes"},
      {"\"" + std::string(100'000, '7') + "\"", "100000 bytes long"},
      {R"("")", "missing or empty field \"id\""},
  };
  for (const Case& c : bad) {
    auto t = base();
    t.train = entry(c.id_json);
    const std::string msg = error_of(t);
    INFO(c.id_json.substr(0, 40));
    CHECK_THAT(msg, Catch::Contains("train.json entry 1") && Catch::Contains(c.reason));
    CHECK(msg.find('\n') == std::string::npos);
    CHECK(msg.find('\0') == std::string::npos);
    CHECK(msg.size() < 400);
  }
  // The limits themselves are accepted: 255 bytes, UTF-8, spaces, dots inside.
  const std::vector<std::string> good = {"\"" + std::string(255, '7') + "\"", R"("vidéo 1")", R"("a.b")", R"("...")",
                                         "17"};
  for (const std::string& ok : good) {
    auto t = base();
    t.train = entry(ok);
    INFO(ok.substr(0, 40));
    CHECK(error_of(t) == "no error");
  }
  CHECK_FALSE(video_id_problem("78687"));
  CHECK(*video_id_problem(std::string("a\0b", 3)) == "contains the control character 0x00 (ids become file names)");
}

// A video in two splits leaks evaluation data into training: an error naming
// the id and both files (with the entries), for every pair of splits.
TEST_CASE("data/annotations: an id in two splits is an error naming the id and both files", "[data][ssv2]") {
  auto t = base();
  t.validation = R"([{"id": "42326", "label": "a", "template": "Dropping [something]", "placeholders": ["a"]}])";
  CHECK_THAT(error_of(t), Catch::Contains("id \"42326\" is in two splits") &&
                              Catch::Contains("train.json entry 1") && Catch::Contains("validation.json entry 0"));
  t = base();
  t.test = R"([{"id": "9"}, {"id": 100}])";  // an integer id is the same video as the string "100"
  CHECK_THAT(error_of(t), Catch::Contains("id \"100\" is in two splits") && Catch::Contains("train.json entry 2") &&
                              Catch::Contains("test.json entry 1"));
  t = base();
  t.validation = R"([{"id": "8", "label": "a", "template": "Dropping [something]", "placeholders": ["a"]}])";
  t.test = R"([{"id": "8"}])";
  CHECK_THAT(error_of(t), Catch::Contains("id \"8\" is in two splits") && Catch::Contains("validation.json entry 0") &&
                              Catch::Contains("test.json entry 0"));
  // From the files: the message names their paths.
  fx::TempDir dir("ssv2leak");
  fx::write_ssv2_annotations(dir.path(), false);
  fx::write_text(dir / "validation.json",
                 R"([{"id": "100", "label": "a", "template": "Dropping [something]", "placeholders": ["a"]}])");
  CHECK_THROWS_WITH(Annotations::load(DatasetLayout::detect(dir.path())),
                    Catch::Contains("id \"100\" is in two splits") &&
                        Catch::Contains((dir / "train.json").string() + " entry 2") &&
                        Catch::Contains((dir / "validation.json").string() + " entry 0"));
  // Disjoint splits (the fixture) load.
  fx::write_text(dir / "validation.json", fx::kValidationJson);
  CHECK_NOTHROW(Annotations::load(DatasetLayout::detect(dir.path())));
}
