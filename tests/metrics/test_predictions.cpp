// The predictions reader (data/metrics/predictions.h): accepted forms and errors that name file and line.
#include <catch2/catch.hpp>

#include "data/common/error.h"
#include "data/metrics/predictions.h"

using grain::data::DataError;
using namespace grain::metrics;

TEST_CASE("metrics/predictions: JSON lines with caption, class and top5", "[metrics][evaluate]") {
  const Predictions p = parse_predictions(
      "{\"id\": \"7\", \"caption\": \"a b\", \"class\": 2, \"top5\": [2, 0]}\n\n{\"id\": 8, \"caption\": \"c\", \"class\": 0, \"top5\": [1]}\n",
      "p.jsonl", 3);
  REQUIRE(p.rows.size() == 2);
  CHECK(p.has_captions);
  CHECK(p.has_classes);
  CHECK(p.has_top5);
  CHECK(p.rows[1].id == "8");
  CHECK(p.rows[1].line == 3);
  CHECK(*p.rows[0].category == 2);
  CHECK(p.rows[0].top5 == std::vector<int>{2, 0});
  const auto m = match_split(p, {"8", "7"}, "p.jsonl", "validation");
  CHECK(m[0]->id == "8");
  CHECK(m[1]->id == "7");
}

TEST_CASE("metrics/predictions: errors name the file and the line", "[metrics][evaluate]") {
  CHECK_THROWS_WITH(parse_predictions("{\"id\": \"1\", \"class\": 0}\n{\"id\": \"1\", \"class\": 1}\n", "p.jsonl", 3),
                    Catch::Contains("p.jsonl:2: duplicate id \"1\" (first on line 1)"));
  CHECK_THROWS_WITH(parse_predictions("{\"id\": \"1\", \"class\": 3}\n", "p.jsonl", 3),
                    Catch::Contains("p.jsonl:1: unknown class 3"));
  CHECK_THROWS_WITH(parse_predictions("{\"id\": \"1\", \"class\": -1}\n", "p.jsonl", 3),
                    Catch::Contains("p.jsonl:1: unknown class -1"));
  CHECK_THROWS_WITH(parse_predictions("{\"id\": \"1\", \"class\": 0}\n{\"id\": \"2\", \"class\": \"x\"}\n", "p.jsonl", 3),
                    Catch::Contains("p.jsonl:2: \"class\" must be an integer"));
  CHECK_THROWS_WITH(parse_predictions("{\"id\": \"1\", \"class\": 0\n", "p.jsonl", 3),
                    Catch::Contains("p.jsonl:1: invalid JSON"));
  CHECK_THROWS_WITH(parse_predictions("{\"id\": \"1\", \"caption\": \"a\", \"class\": 0}\n{\"id\": \"2\", \"class\": 0}\n",
                                      "p.jsonl", 3),
                    Catch::Contains("p.jsonl:2: no \"caption\""));
  CHECK_THROWS_AS(parse_predictions("", "p.jsonl", 3), DataError);

  const Predictions p = parse_predictions("{\"id\": \"1\", \"class\": 0}\n{\"id\": \"9\", \"class\": 0}\n", "p.jsonl", 3);
  CHECK_THROWS_WITH(match_split(p, {"1", "2"}, "p.jsonl", "validation"),
                    Catch::Contains("p.jsonl:2: id \"9\" is not in the validation split"));
  const Predictions q = parse_predictions("{\"id\": \"1\", \"class\": 0}\n", "p.jsonl", 3);
  CHECK_THROWS_WITH(match_split(q, {"1", "2", "3"}, "p.jsonl", "validation"),
                    Catch::Contains("2 of the 3 videos of the validation split have no prediction (\"2\", \"3\")"));
}

// A line of 200 KB whose "class", "id" or "top5" is an array nested 100,000
// deep: printing the value in the error message recursed once per level in
// nlohmann's serializer and overflowed the stack (evaluate died with SIGSEGV).
// The reader now refuses nesting deeper than 64 levels while parsing.
TEST_CASE("metrics/predictions: a value nested 100,000 deep is an error, not a stack overflow",
          "[metrics][evaluate]") {
  const std::string bomb = std::string(100'000, '[') + "1" + std::string(100'000, ']');
  const std::string ok = "{\"id\": \"200\", \"class\": 0}\n";
  for (const std::string& line : {"{\"id\":\"201\",\"class\":" + bomb + "}", "{\"id\":" + bomb + ",\"class\":0}",
                                   "{\"id\":\"201\",\"class\":0,\"top5\":" + bomb + "}",
                                   "{\"id\":\"201\",\"class\":0,\"top5\":[" + bomb + "]}"}) {
    INFO(line.substr(0, 40));
    CHECK_THROWS_WITH(parse_predictions(ok + line + "\n", "p.jsonl", 3),
                      Catch::Contains("p.jsonl:2: invalid JSON: arrays/objects nested deeper than 64 levels"));
  }
}

TEST_CASE("metrics/predictions: a mistyped value is shown short in the message", "[metrics][evaluate]") {
  CHECK_THROWS_WITH(parse_predictions("{\"id\": \"1\", \"class\": [[[[[1]]]]]}\n", "p.jsonl", 3),
                    Catch::Contains("p.jsonl:1: \"class\" must be an integer class index, got array [[[[...]]]]"));
  const std::string long_id(100'000, '7');
  try {
    parse_predictions("{\"id\": [\"" + long_id + "\"], \"class\": 0}\n", "p.jsonl", 3);
    FAIL("no error");
  } catch (const DataError& e) {
    CHECK_THAT(e.what(), Catch::Contains("p.jsonl:1: \"id\" must be a string, got array [\"7777"));
    CHECK(std::string(e.what()).size() < 300);
  }
}
