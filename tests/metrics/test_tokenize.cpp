// Tokeniser cases; agreement with the toolkit's PTB tokenisation is checked
// on the fixtures in test_fixture_agreement.cpp.
#include <catch2/catch.hpp>

#include "data/metrics/tokenize.h"

using namespace grain::metrics;

TEST_CASE("metrics/tokenize: lower-case, punctuation dropped, clitics split", "[metrics][tokenize]") {
  CHECK(tokenize("Putting a pen, and a cup!") == Tokens{"putting", "a", "pen", "and", "a", "cup"});
  CHECK(tokenize("it doesn't move") == Tokens{"it", "does", "n't", "move"});
  CHECK(tokenize("the dog's toy") == Tokens{"the", "dog", "'s", "toy"});
  CHECK(tokenize("pushing (the) cup - left -- right ...") == Tokens{"pushing", "the", "cup", "left", "right"});
  CHECK(tokenize("a t-shirt and 3.5 coins.") == Tokens{"a", "t-shirt", "and", "3.5", "coins"});
  CHECK(tokenize("\"quoted\" 'word'") == Tokens{"quoted", "word"});
  CHECK(tokenize("").empty());
  CHECK(tokenize("  ?! ... ").empty());
}

TEST_CASE("metrics/tokenize: join and split round trip", "[metrics][tokenize]") {
  const Tokens t{"putting", "a", "pen"};
  CHECK(join_tokens(t) == "putting a pen");
  CHECK(split_spaces(join_tokens(t)) == t);
  CHECK(split_spaces("  a   b ") == Tokens{"a", "b"});
}
