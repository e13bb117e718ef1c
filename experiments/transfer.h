// defines: grain::TransferOptions, TransferResult, run_transfer, transfer_table
//
// One encoder evaluated by the few-shot protocol (docs/transfer.md): the
// target's encodings (experiments/encoder_features.h), then for every k and
// run r a k-shot draw (experiments/few_shot.h), features standardised with
// the draw's statistics, an MLP probe trained on the draw and scored on the
// rest, and the mean and 95% confidence interval over the runs. The JSON is
// what `transfer --json` writes and what `reproduce` puts in results.json:
//   {"checkpoint", "checkpoint_sha256", "target", "chance", "classes", "videos",
//    "preprocessing", "probe": {"hidden", "epochs", "lr"}, "left_out",
//    "results": [{"shots", "mean", "ci95", "runs": [{"seed", "train_ids", "accuracy"}]}]}
// Accuracies in percent; nothing in it depends on time or on the machine's
// thread count, so a rerun writes the same bytes.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "experiments/encoder_features.h"
#include "experiments/few_shot.h"

namespace grain {

struct TransferOptions {
  std::string checkpoint;                  // run folder, checkpoint folder or "random"
  std::filesystem::path architecture;      // for random: the run whose architecture it copies
  std::filesystem::path target;            // the target dataset (train.json holds the pool)
  std::vector<int64_t> shots = {1, 5, 10};
  int64_t runs = 10;
  uint64_t seed = 0;                       // the draws' seed (and the random encoder's weights)
  ProbeOptions probe;                      // hidden 512, epochs, lr (probe.seed is derived per draw)
  ExtractOptions extract;
  std::filesystem::path out;               // features.safetensors (cache), preprocessing.json (pin)
  std::filesystem::path preprocessing_pin; // "" = out/preprocessing.json
};

struct TransferResult {
  nlohmann::json json;
  bool features_from_cache = false;
};

TransferResult run_transfer(const TransferOptions& options);

// The printed table: shots | mean +- ci95 | chance, one row per k.
std::string transfer_table(const nlohmann::json& result);

}  // namespace grain
