// The Snowball English stemmer against the stemmer inside meteor-1.5.jar
// (stems.tsv, written by make_fixtures.py) and a few cases from the published
// algorithm's description.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "data/metrics/english_stemmer.h"

using namespace grain::metrics;

TEST_CASE("metrics/english_stem: examples of the published algorithm", "[metrics][stem]") {
  CHECK(english_stem("generously") == "generous");
  CHECK(english_stem("running") == "run");
  CHECK(english_stem("hoping") == "hope");
  CHECK(english_stem("cries") == "cri");
  CHECK(english_stem("ties") == "tie");
  CHECK(english_stem("skies") == "sky");        // exceptional form
  CHECK(english_stem("inning") == "inning");    // exception after step 1a
  CHECK(english_stem("happy") == "happi");
  CHECK(english_stem("knightly") == "knight");
  CHECK(english_stem("by") == "by");            // two letters: untouched
}

TEST_CASE("metrics/english_stem: agrees with meteor-1.5.jar on every fixture word", "[metrics][stem]") {
  std::ifstream in(GRAIN_METRICS_FIXTURES "/stems.tsv");
  REQUIRE(in);
  std::string line;
  int checked = 0;
  while (std::getline(in, line)) {
    const size_t tab = line.find('\t');
    REQUIRE(tab != std::string::npos);
    const std::string word = line.substr(0, tab), stem = line.substr(tab + 1);
    INFO("word: " << word);
    CHECK(english_stem(word) == stem);
    ++checked;
  }
  CHECK(checked > 300);
}
