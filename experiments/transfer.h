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

// The bounds of the protocol's numbers (docs/transfer.md): past them a run
// only costs time (a probe of 1e9 epochs, 4e9 draws) or is meaningless (a
// learning rate of 1e6). Threads: train/compute_threads.h.
inline constexpr int64_t kMaxTransferRuns = 100000;
inline constexpr int64_t kMaxShots = 100000;
inline constexpr int64_t kMaxProbeEpochs = 100000;
inline constexpr int64_t kMaxProbeHidden = 65536;
inline constexpr double kMaxProbeLr = 1.0;

// Throws naming the flag unless: --runs in [2, kMaxTransferRuns]; --shots
// non-empty, unique, each in [1, kMaxShots]; --epochs in [1,
// kMaxProbeEpochs]; --lr finite, > 0 and <= kMaxProbeLr; --threads within
// train/compute_threads.h's bound; --device cpu, cuda or auto; --out not an
// existing file; json_file (--json; "" = none) not a folder and in a folder
// that exists. The probe's hidden width (no flag) in [1, kMaxProbeHidden].
void check_transfer_options(const TransferOptions& options, const std::filesystem::path& json_file = {});

// Throws unless the target folder's train.json (the few-shot pool, read
// fresh) gives every category at least max(shots) + 1 videos: k to train on
// and one to test. The message names the category (its name, not its index)
// and the target. run_transfer calls it before any extraction; reproduce
// before its first training stage, so a target too small fails at once.
void check_transfer_target(const std::filesystem::path& target, const std::vector<int64_t>& shots);

// Checks the options and the target (above), then runs the protocol.
TransferResult run_transfer(const TransferOptions& options);

// The printed table: shots | mean +- ci95 | chance, one row per k.
std::string transfer_table(const nlohmann::json& result);

}  // namespace grain
