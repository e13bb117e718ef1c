// defines: grain::train_frame_baseline
//
// Trains one frame baseline (models/frame_baseline.h) on the fine-grained
// categories with the source runs' budget (the FG config's epochs, max
// steps, batch size, seed, data and Adam settings, at a constant learning
// rate) and scores it on the config's evaluation split: top-1 and top-5 in
// percent. No checkpoints: an interrupted baseline is trained again from the
// start (it costs a fraction of a source run).
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>

#include "models/frame_baseline.h"
#include "train/trainer_config.h"

namespace grain {

// Writes out_dir/summary.json ({"model", "steps", "metrics": {"top1", "top5"}})
// and returns the metrics. hidden: MLP or LSTM units (the paper: 1024).
nlohmann::json train_frame_baseline(const TrainerConfig& fg_config, FrameBaselineKind kind,
                                    const std::filesystem::path& out_dir, int64_t hidden = 1024, bool quiet = false);

}  // namespace grain
