// Vocabulary and tokenizer against hand-worked token lists and ids.
#include <catch2/catch.hpp>

#include "data/common/error.h"
#include "data/ssv2/vocabulary.h"
#include "ssv2_fixtures.h"
#include "temp_dir.h"

using namespace grain::data;

TEST_CASE("data/vocabulary: tokenize lower-cases, deletes punctuation, splits on whitespace", "[data][vocab]") {
  CHECK(Vocabulary::tokenize("Pushing [a] cap, left-to-right!") ==
        std::vector<std::string>{"pushing", "a", "cap", "lefttoright"});
  CHECK(Vocabulary::tokenize("  don't\tstop \n") == std::vector<std::string>{"dont", "stop"});
  CHECK(Vocabulary::tokenize("").empty());
  CHECK(Vocabulary::tokenize("... !!").empty());
}

TEST_CASE("data/vocabulary: build orders by count then bytes, min_count maps rare words to unknown", "[data][vocab]") {
  // counts: a 3, the 3, pen 2, cup 1, dropping 2, holding 1
  const std::vector<std::string> captions = {"Dropping a pen", "dropping the pen", "holding the cup, a", "the a"};
  const Vocabulary v = Vocabulary::build(captions, 2);
  REQUIRE(v.size() == 4 + 4);
  CHECK(v.word(0) == "<pad>");
  CHECK(v.word(1) == "<start>");
  CHECK(v.word(2) == "<end>");
  CHECK(v.word(3) == "<unk>");
  CHECK(v.word(4) == "a");
  CHECK(v.word(5) == "the");
  CHECK(v.word(6) == "dropping");
  CHECK(v.word(7) == "pen");
  CHECK(v.id("cup") == Vocabulary::kUnknown);
  CHECK(v.id("<pad>") == Vocabulary::kUnknown);  // special spellings in text are not specials
  // Fixed length 5: 4 words max, end, pad.
  CHECK(v.encode("Dropping a cup", 5) == std::vector<int32_t>{6, 4, 3, 2, 0});
  CHECK(v.encode("the the the the the the", 5) == std::vector<int32_t>{5, 5, 5, 5, 2});
  CHECK(v.encode("", 3) == std::vector<int32_t>{2, 0, 0});
  const std::vector<int32_t> ids = {1, 6, 7, 2, 5};
  CHECK(v.decode(ids.data(), 5) == "dropping pen");
  CHECK_THROWS_AS(Vocabulary::build(captions, 0), DataError);
}

TEST_CASE("data/vocabulary: save/load round trip and fingerprint", "[data][vocab]") {
  grain::data::testing::TempDir dir("vocab");
  const Vocabulary v = Vocabulary::build({"a b c", "a b", "a"}, 1);
  v.save(dir / "vocab.json");
  const Vocabulary w = Vocabulary::load(dir / "vocab.json");
  CHECK(v == w);
  CHECK(v.fingerprint() == w.fingerprint());
  CHECK(w.min_count() == 1);
  const Vocabulary other = Vocabulary::build({"a b d", "a b", "a"}, 1);
  CHECK(other.fingerprint() != v.fingerprint());
}

TEST_CASE("data/vocabulary: malformed files name the file and field", "[data][vocab]") {
  CHECK_THROWS_WITH(Vocabulary::parse("{", "v.json"), Catch::Contains("v.json: invalid JSON"));
  CHECK_THROWS_WITH(Vocabulary::parse(R"({"format": "x"})", "v.json"), Catch::Contains("\"format\""));
  CHECK_THROWS_WITH(Vocabulary::parse(R"({"format": 5})", "v.json"), Catch::Contains("\"format\""));
  CHECK_THROWS_WITH(Vocabulary::parse("[1e999999]", "v.json"), Catch::Contains("v.json"));
  CHECK_THROWS_WITH(Vocabulary::parse(R"({"format": "grain-vocabulary", "version": 1, "min_count": 1, "tokens": )" +
                                          std::string(100'000, '[') + std::string(100'000, ']') + "}",
                                      "v.json"),
                    Catch::Contains("v.json: invalid JSON: arrays/objects nested deeper than 64 levels"));
  CHECK_THROWS_WITH(
      Vocabulary::parse(R"({"format": "grain-vocabulary", "version": 1, "min_count": 1, "tokens": ["<pad>"]})", "v.json"),
      Catch::Contains("4 special tokens"));
  CHECK_THROWS_WITH(Vocabulary::parse(R"({"format": "grain-vocabulary", "version": 1, "min_count": 1,
      "tokens": ["<pad>", "<start>", "<end>", "<unk>", "a", "a"]})", "v.json"), Catch::Contains("duplicate token"));
}
