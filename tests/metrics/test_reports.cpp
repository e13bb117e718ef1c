// The reports that say whether a model has learned, on hand-made cases:
// prediction spread, confusion matrix, per-class accuracy, top confusions,
// the collapse and chance-loss diagnosis, and the SVG heat map (checked
// for well-formed XML by a small independent reader below).
#include <catch2/catch.hpp>
#include <cctype>
#include <cmath>
#include <map>
#include <numeric>
#include <string>
#include <vector>

#include "data/metrics/confusion_matrix.h"
#include "data/metrics/confusion_svg.h"
#include "data/metrics/diagnosis.h"
#include "data/metrics/metric_names.h"
#include "data/metrics/prediction_spread.h"
#include "data/metrics/template_baseline.h"

using namespace grain::metrics;
using Catch::Matchers::Contains;

TEST_CASE("metrics/prediction spread: distinct answers over distinct references, the most common answer",
          "[metrics][report]") {
  // 5 videos, references {a, b, c} (3 distinct); predictions {a, a, a, b, a}: 2 distinct, "a" 4 times, truly 1.
  const PredictionSpread s = prediction_spread({"a", "a", "a", "b", "a"}, {"a", "b", "c", "c", "c"});
  CHECK(s.videos == 5);
  CHECK(s.distinct_predictions == 2);
  CHECK(s.distinct_references == 3);
  CHECK(s.distinct_share == Approx(2.0 / 3));
  CHECK(s.most_common == "a");
  CHECK(s.most_common_count == 4);
  CHECK(s.most_common_references == 1);
  CHECK(s.most_common_share() == Approx(0.8));
  // Ties go to the smaller string; more distinct answers than references give a share above 1.
  const PredictionSpread t = prediction_spread(std::vector<int>{3, 2, 1, 0}, std::vector<int>{0, 0, 1, 1});
  CHECK(t.most_common == "0");
  CHECK(t.distinct_share == Approx(2.0));
  CHECK(prediction_spread(std::vector<std::string>{}, {}).distinct_share == 0.0);
  CHECK_THROWS_WITH(prediction_spread({"a"}, {}), Contains("1 predictions but 0 references"));
}

TEST_CASE("metrics/confusion matrix: rows true, columns predicted, counts add up to the videos", "[metrics][report]") {
  // 3 classes, 7 videos, counted by hand:
  //   truth:     0 0 0 1 1 2 2
  //   predicted: 0 1 1 1 1 0 2
  //   row 0: [1 2 0], row 1: [0 2 0], row 2: [1 0 1]
  const std::vector<int> truth{0, 0, 0, 1, 1, 2, 2}, predicted{0, 1, 1, 1, 1, 0, 2};
  const ConfusionMatrix m = confusion_matrix(predicted, truth, 3);
  CHECK(m.counts == std::vector<int64_t>{1, 2, 0, 0, 2, 0, 1, 0, 1});
  CHECK(m.total() == 7);
  CHECK(m.row_total(0) == 3);
  const std::vector<ClassAccuracy> acc = per_class_accuracy(m);
  REQUIRE(acc.size() == 3);
  CHECK(acc[0].videos == 3);
  CHECK(acc[0].correct == 1);
  CHECK(acc[0].percent() == Approx(100.0 / 3));
  CHECK(acc[1].percent() == Approx(100.0));
  CHECK(acc[2].percent() == Approx(50.0));
  // The per-class numbers agree with the overall accuracy: 4 of 7 correct.
  int64_t correct = 0;
  for (const auto& a : acc) correct += a.correct;
  CHECK(correct == 4);
  const std::vector<Confusion> top = top_confusions(m, 5);
  REQUIRE(top.size() == 2);  // (0 -> 1) twice, (2 -> 0) once; no empty cells
  CHECK((top[0].truth == 0 && top[0].predicted == 1 && top[0].count == 2));
  CHECK((top[1].truth == 2 && top[1].predicted == 0 && top[1].count == 1));
  CHECK(top_confusions(m, 1).size() == 1);
  // A class without videos has none, not an accuracy of 0.
  CHECK(per_class_accuracy(confusion_matrix({0}, {0}, 2))[1].videos == 0);
  CHECK_THROWS_WITH(confusion_matrix({0, 3}, {0, 1}, 3), Contains("entry 1") && Contains("outside [0, 3)"));
}

namespace {

// A small, strict XML reader: elements nest and close in order, attribute
// values are quoted, '<' never appears in text or values, '&' only starts
// one of the five predefined entities or a numeric reference. Returns ""
// when the document is well formed, else what is wrong; counts elements by name.
std::string xml_problem(const std::string& doc, std::map<std::string, int>& elements) {
  std::vector<std::string> open;
  auto entity_ok = [&](size_t i) {
    const size_t semi = doc.find(';', i);
    if (semi == std::string::npos || semi - i > 10) return false;
    const std::string e = doc.substr(i + 1, semi - i - 1);
    if (e == "amp" || e == "lt" || e == "gt" || e == "quot" || e == "apos") return true;
    return e.size() > 1 && e[0] == '#';
  };
  size_t i = 0;
  bool root_seen = false;
  while (i < doc.size()) {
    if (doc[i] == '&' && !entity_ok(i)) return "bad entity at " + std::to_string(i);
    if (doc[i] != '<') {
      if (open.empty() && !std::isspace(static_cast<unsigned char>(doc[i]))) return "text outside the root";
      ++i;
      continue;
    }
    if (doc.compare(i, 5, "<?xml") == 0) {
      if (i != 0) return "XML declaration not at the start";
      i = doc.find("?>", i);
      if (i == std::string::npos) return "unclosed declaration";
      i += 2;
      continue;
    }
    const size_t close = doc.find('>', i);
    if (close == std::string::npos) return "unclosed tag";
    std::string tag = doc.substr(i + 1, close - i - 1);
    i = close + 1;
    if (!tag.empty() && tag[0] == '/') {
      if (open.empty() || open.back() != tag.substr(1)) return "</" + tag.substr(1) + "> closes nothing open";
      open.pop_back();
      continue;
    }
    const bool self_closing = !tag.empty() && tag.back() == '/';
    if (self_closing) tag.pop_back();
    const size_t name_end = tag.find_first_of(" \n\t");
    const std::string name = tag.substr(0, name_end);
    if (name.empty() || !std::isalpha(static_cast<unsigned char>(name[0]))) return "bad element name '" + name + "'";
    if (open.empty() && root_seen) return "second root element";
    root_seen = true;
    ++elements[name];
    // Attributes: name="value" pairs.
    size_t a = name_end == std::string::npos ? tag.size() : name_end;
    while (a < tag.size()) {
      while (a < tag.size() && std::isspace(static_cast<unsigned char>(tag[a]))) ++a;
      if (a >= tag.size()) break;
      const size_t eq = tag.find('=', a);
      if (eq == std::string::npos || eq + 1 >= tag.size() || (tag[eq + 1] != '"' && tag[eq + 1] != '\''))
        return "attribute without a quoted value in <" + name + ">";
      const size_t end = tag.find(tag[eq + 1], eq + 2);
      if (end == std::string::npos) return "unterminated attribute value in <" + name + ">";
      if (tag.substr(eq + 2, end - eq - 2).find('<') != std::string::npos) return "'<' in an attribute value";
      a = end + 1;
    }
    if (!self_closing) open.push_back(name);
  }
  if (!open.empty()) return "<" + open.back() + "> never closed";
  return root_seen ? "" : "no root element";
}

}  // namespace

TEST_CASE("metrics/the XML reader of these tests rejects what is not well formed", "[metrics][report]") {
  std::map<std::string, int> e;
  CHECK(xml_problem("<svg><g><rect x=\"1\"/></g></svg>", e).empty());
  CHECK(!xml_problem("<svg><g></svg>", e).empty());
  CHECK(!xml_problem("<svg><text>a & b</text></svg>", e).empty());
  CHECK(!xml_problem("<svg><rect x=1/></svg>", e).empty());
  CHECK(!xml_problem("<svg></svg><svg></svg>", e).empty());
}

TEST_CASE("metrics/confusion SVG: well-formed XML, one cell per non-empty count, names escaped", "[metrics][report]") {
  const std::vector<std::string> names{"Pushing [something] from left to right",
                                       "Pushing [something] from right to left",
                                       "Pretending to put <something> & \"more\" next to [something]"};
  const ConfusionMatrix m = confusion_matrix({0, 1, 1, 1, 1, 0, 2}, {0, 0, 0, 1, 1, 2, 2}, 3);
  const std::string svg = confusion_svg(m, names, "fg_classes: validation confusion matrix");
  std::map<std::string, int> elements;
  INFO(svg);
  CHECK(xml_problem(svg, elements) == "");
  CHECK(svg.rfind("<?xml", 0) == 0);
  CHECK_THAT(svg, Contains("xmlns=\"http://www.w3.org/2000/svg\""));
  // Rects: background, grid, 5 non-empty cells, 3 diagonal outlines, the frame, the colour bar.
  CHECK(elements["rect"] == 1 + 1 + 5 + 3 + 1 + 1);
  CHECK_THAT(svg, Contains("&lt;something&gt; &amp; &quot;more&quot;"));
  CHECK_THAT(svg, Contains(">2</text>"));    // counts in the cells of a small matrix
  CHECK_THAT(svg, Contains(">1/3</text>"));  // correct/videos of class 0
  // A large matrix: no counts in cells, still well formed; a class without videos is a grey row.
  std::vector<std::string> many;
  std::vector<int> truth, predicted;
  for (int c = 0; c < 174; ++c) {
    many.push_back("Lifting [something] up completely without letting it drop down, number " + std::to_string(c));
    if (c % 3 != 0) truth.push_back(c), predicted.push_back((c * 7) % 174);
  }
  const std::string big = confusion_svg(confusion_matrix(predicted, truth, 174), many, "174 classes");
  std::map<std::string, int> big_elements;
  CHECK(xml_problem(big, big_elements) == "");
  CHECK_THAT(big, Contains("\u2026"));  // long names cut
  CHECK_THAT(big, Contains("no video in this split"));
  CHECK_THROWS_WITH(confusion_svg(m, {"a"}, "t"), Contains("1 class names for 3 classes"));
}

TEST_CASE("metrics/diagnosis: collapse and chance losses, named in plain words", "[metrics][report]") {
  const std::string see = "see docs/trainer.md, 'When a model has not learned'";
  ValidationFacts healthy;
  healthy.classes = prediction_spread(std::vector<int>{0, 1, 2, 2}, std::vector<int>{0, 1, 2, 2});
  healthy.classification_loss = 0.9;
  healthy.num_classes = 3;
  CHECK(diagnose(healthy, see).empty());

  // One caption for 185 of 204 videos: collapse.
  std::vector<std::string> hyp(204, "moving a big dotted green circle up"), ref;
  for (int i = 0; i < 204; ++i) ref.push_back("caption " + std::to_string(i % 150));
  for (int i = 0; i < 19; ++i) hyp[static_cast<size_t>(i)] = "other " + std::to_string(i);
  ValidationFacts collapsed;
  collapsed.captions = prediction_spread(hyp, ref);
  collapsed.caption_loss_per_token = std::log(50.0) * 0.995;  // within 1% of ln V
  collapsed.vocabulary = 50;
  const std::vector<Symptom> s = diagnose(collapsed, see);
  REQUIRE(s.size() == 2);
  CHECK(s[0].kind == "collapse");
  CHECK_THAT(s[0].message, Contains("collapse: 185 of 204 validation videos get the caption "
                                    "'moving a big dotted green circle up'") &&
                               Contains(see));
  CHECK(s[1].kind == "chance_loss");
  CHECK_THAT(s[1].message, Contains("per token") && Contains("ln V = ln 50 = 3.9120"));

  // A class that truly covers most of the split is no collapse when the model gives it to those videos only.
  ValidationFacts dominant;
  dominant.classes = prediction_spread(std::vector<int>{1, 1, 1, 0}, std::vector<int>{1, 1, 1, 0});
  CHECK(diagnose(dominant, see).empty());
  dominant.classes = prediction_spread(std::vector<int>{1, 1, 1, 1}, std::vector<int>{1, 1, 1, 0});
  dominant.class_noun = "action group";
  dominant.classes->most_common = "Moving something";
  REQUIRE(diagnose(dominant, see).size() == 1);
  CHECK_THAT(diagnose(dominant, see)[0].message,
             Contains("4 of 4 validation videos get the action group 'Moving something'"));

  // Chance loss: at ln C, above it, and just outside the tolerance.
  ValidationFacts loss;
  loss.num_classes = 10;
  loss.classification_loss = std::log(10.0);
  CHECK(diagnose(loss, see).size() == 1);
  loss.classification_loss = 5.0;  // worse than chance: still has not learned
  CHECK(diagnose(loss, see).size() == 1);
  loss.classification_loss = std::log(10.0) * (1 - kChanceLossTolerance) - 1e-9;
  CHECK(diagnose(loss, see).empty());
}

TEST_CASE("metrics/template baseline scores under template_ names", "[metrics][baseline]") {
  CHECK(template_metric_values(CaptionScores{}).count("template_bleu_4") == 1);
  CHECK(template_metric_values(CaptionScores{}).size() == metric_values(CaptionScores{}).size());
}
