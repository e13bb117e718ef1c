// The token-level effect of METEOR 1.5's "-norm" pass (edu.cmu.meteor.util.
// Normalizer, which the coco-caption toolkit turns on) on text that
// tokenize() has already produced. Measured against the jar on probes
// (docs/metrics.md), for the characters that survive tokenize():
//   hyphens inside a word become spaces       "t-shirt"  -> "t" "shirt"
//   an apostrophe is split off                "'s" -> "'" "s",  "n't" -> "n" "'t",
//                                             "dog's" -> "dog" "'s"
//   symbols / & _ + = * : ; ! ? ( ) [ ] { } | ~ ^ < > # $ % @ " are split off
//   a comma is split off unless it sits between digits ("100,000" stays)
// Not reproduced (they cannot reach it from tokenize()'s output in practice):
// its abbreviation rules for inner periods ("u.s." -> "us") and backquotes.
#pragma once

#include "data/metrics/tokenize.h"

namespace grain::metrics {

// Tokens as METEOR's normaliser would leave them.
Tokens meteor_normalize(const Tokens& tokens);

}  // namespace grain::metrics
