// Writes the seed corpora of the fuzz targets, so none is stored in the
// repository:  write_fuzz_seeds DIR  fills DIR/annotations, DIR/safetensors,
// DIR/predictions, DIR/checkpoint, DIR/config and DIR/feature_cache, one
// folder per target (fuzz_annotations, fuzz_safetensors, fuzz_predictions,
// fuzz_checkpoint, fuzz_trainer_config, fuzz_feature_cache).
// Each JSON reader gets one valid input and depth bombs: a value nested
// 100,000 deep (200 KB; the shape that overflowed the stack in error
// messages) and one nested 100 deep (just past the limit, small enough to
// mutate quickly). The first byte of a fuzz_annotations or fuzz_checkpoint
// input picks the reader (see there).
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/common/file_io.h"
#include "data/formats/safetensors.h"
#include "kernels/sha256.h"
#include "experiments/encoder_features.h"

namespace {

namespace fs = std::filesystem;

std::string nested_arrays(size_t depth) { return std::string(depth, '[') + "1" + std::string(depth, ']'); }

struct Seed {
  const char* name;
  char reader;              // the selector byte of fuzz_annotations
  const char* valid_value;  // an ordinary value of the field that text() fills
  std::string (*text)(const std::string& value);
};

// Per reader: a file with one field left to fill (valid with valid_value).
const std::vector<Seed> kJsonSeeds = {
    {"labels", 0, "\"1\"", [](const std::string& v) { return R"({"Dropping something": "0", "Moving something": )" + v + "}"; }},
    {"groups", 1, "[\"Moving something\"]", [](const std::string& v) { return R"({"moving": ["Dropping something"], "holding": )" + v + "}"; }},
    {"train", 2, "[\"a pen\"]",
     [](const std::string& v) {
       return R"([{"id": "5", "label": "dropping a pen", "template": "Dropping [something]", "placeholders": )" + v +
              "}]";
     }},
    {"vocabulary", 3, "[\"<pad>\", \"<start>\", \"<end>\", \"<unk>\", \"pen\"]",
     [](const std::string& v) {
       return R"({"format": "grain-vocabulary", "version": 1, "min_count": 1, "tokens": )" + v + "}";
     }},
    {"index", 4, R"([{"id": "5", "shard": 0, "offset": 64, "bytes": 100, "frames": 8}])",
     [](const std::string& v) {
       return R"({"format": "grain-shards", "version": 1, "split": "train", "fps": 12, "height": 12, "width": 16,)"
              R"( "encoding": "raw", "jpeg_quality": 90, "videos_per_shard": 2,)"
              R"( "shards": [{"file": "shard-00000.bin", "bytes": 4096}],)"
              R"( "videos": )" + v + "}";
     }},
    {"predictions", 5, "1",
     [](const std::string& v) {
       return "{\"id\": \"200\", \"caption\": \"dropping a pen\", \"class\": 3, \"top5\": [3, 1, 0, 2, 4]}\n"
              "{\"id\": \"201\", \"caption\": \"holding a cup\", \"top5\": [1], \"class\": " + v + "}\n";
     }},
    {"manifest", 6, R"({"size": 2, "sha256": "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"})",
     [](const std::string& v) {
       return R"({"format": "grain-checkpoint", "step": 1, "files": {"state.json": )" + v + "}}";
     }},
};

// Trainer configs: a full one (every section) and small ones, plus YAML depth bombs.
const char* const kConfigs[] = {
    "task: fg_captions\n"
    "device: cpu\n"
    "dataset:\n  root: data/synth-ss\n  generate: synth-ss\n  generate_train: 40\n  generate_format: jpeg\n"
    "  storage: frames\n  fps: 12\n  frames_fps: 24\n  max_train_videos: 8\n  bad_eval_videos: fail\n"
    "model:\n  preset: tiny\n  frames: 4\n  resize: 64\n  crop: 56\n  lstm_hidden: 8\n  caption_length: 6\n"
    "  dropout: 0.1\n"
    "loss:\n  classification: 0.5\n  caption: 1\n"
    "optimizer:\n  name: sgd\n  lr: 0.01\n  momentum: 0.9\n  weight_decay: 1e-4\n"
    "schedule:\n  name: plateau\n  patience: 3\n  factor: 0.5\n  warmup_steps: 10\n"
    "train:\n  epochs: 2\n  batch_size: 4\n  seed: 7\n  workers: 1\n  threads: 1\n  eval_every_steps: 5\n"
    "eval:\n  batch_size: 2\n  beam_width: 2\n"
    "run:\n  out: runs/fuzz\n",
    "task: cg_classes\ndataset:\n  root: /data/ssv2\n  storage: shards\n  shards: /data/packed\n",
    "dataset: {root: d, fps: 6}\nmodel: {preset: small}\ntrain: {batch_size: 2, max_steps: 3}\n",
};

// The fuzz_feature_cache key (see there): a valid version-2 cache of
// `videos` encodings of width 4 out of the key's 6 videos (the rest left
// out), sealed with its checksum as write_cache seals it.
std::string feature_cache(int videos) {
  grain::formats::SafetensorsFile file;
  std::vector<float> h(static_cast<size_t>(videos) * 4);
  nlohmann::json ids = nlohmann::json::array(), left_out = nlohmann::json::array(), all = nlohmann::json::object();
  for (int i = 0; i < 6; ++i) {
    all[std::to_string(100 + i)] = std::string(64, static_cast<char>('0' + i));
    if (i < videos) ids.push_back(std::to_string(100 + i));
    else left_out.push_back(std::to_string(100 + i) + ": could not be decoded");
  }
  for (int i = 0; i < videos; ++i)
    for (int d = 0; d < 4; ++d) h[static_cast<size_t>(i) * 4 + d] = 0.25f * static_cast<float>(i - d);
  file.tensors.push_back(grain::formats::make_safetensors_entry<float>(
      "h", {static_cast<uint64_t>(videos), 4}, std::span<const float>(h)));
  file.metadata["cache_version"] = "2";  // experiments/encoder_features.cpp's kCacheVersion
  file.metadata["checkpoint"] = "fuzz";
  file.metadata["checkpoint_sha256"] = std::string(64, 'a');
  file.metadata["target"] = "/fuzz/target";
  file.metadata["preprocessing"] = "{}";
  file.metadata["reading"] = R"({"frames_fps":12.0,"storage":"auto"})";
  file.metadata["videos"] = all.dump();
  file.metadata["ids"] = ids.dump();
  file.metadata["left_out"] = left_out.dump();
  file.metadata["checksum"] = grain::feature_cache_checksum(file);
  return grain::formats::encode_safetensors(file);
}

std::string safetensors_file(const std::string& header) {
  std::string out;
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  return out + header + std::string(8, '\0');
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: write_fuzz_seeds DIR\n");
    return 2;
  }
  const fs::path root = argv[1];
  fs::create_directories(root / "annotations");
  fs::create_directories(root / "safetensors");
  using grain::data::write_file_atomic;

  for (const Seed& s : kJsonSeeds) {
    const std::string selector(1, s.reader);
    write_file_atomic(root / "annotations" / (std::string(s.name) + "_valid"), selector + s.text(s.valid_value));
    write_file_atomic(root / "annotations" / (std::string(s.name) + "_deep100"), selector + s.text(nested_arrays(100)));
    write_file_atomic(root / "annotations" / (std::string(s.name) + "_deep100000"),
                      selector + s.text(nested_arrays(100'000)));
  }

  grain::formats::SafetensorsFile sample;
  sample.tensors = {{"w", "F32", {2}, std::string(8, '\0')}, {"step", "I64", {}, std::string(8, '\x01')}};
  sample.metadata = {{"step", "1"}};
  write_file_atomic(root / "safetensors" / "valid", grain::formats::encode_safetensors(sample));
  const std::string t = R"("t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]})";
  for (const size_t depth : {size_t(100), size_t(100'000)}) {
    const std::string deep = nested_arrays(depth), suffix = "_deep" + std::to_string(depth);
    write_file_atomic(root / "safetensors" / ("entry" + suffix), safetensors_file("{\"w\":" + deep + "}"));
    write_file_atomic(root / "safetensors" / ("shape" + suffix),
                      safetensors_file(R"({"w":{"dtype":"F32","data_offsets":[0,8],"shape":)" + deep + "}}"));
    write_file_atomic(root / "safetensors" / ("metadata" + suffix),
                      safetensors_file("{\"__metadata__\":" + deep + "," + t + "}"));
    write_file_atomic(root / "safetensors" / ("metadata_value" + suffix),
                      safetensors_file("{\"__metadata__\":{\"format\":" + deep + "}," + t + "}"));
  }

  fs::create_directories(root / "predictions");
  write_file_atomic(root / "predictions" / "valid",
                    "{\"id\": \"200\", \"caption\": \"dropping a pen\", \"class\": 3, \"top5\": [3, 1, 0, 2, 4]}\n"
                    "{\"id\": 201, \"caption\": \"holding a cup\", \"class\": 1, \"top5\": [1, 173]}\n\n");
  write_file_atomic(root / "predictions" / "captions_only",
                    "{\"id\": \"1\", \"caption\": \"a\"}\n{\"id\": \"2\", \"caption\": \"b\"}\n");
  for (const size_t depth : {size_t(100), size_t(100'000)})
    write_file_atomic(root / "predictions" / ("deep" + std::to_string(depth)),
                      "{\"id\": \"1\", \"class\": " + nested_arrays(depth) + "}\n");

  fs::create_directories(root / "checkpoint");
  // The manifest of fuzz_checkpoint's scratch folder (its two files, as there), valid.
  nlohmann::json files = nlohmann::json::object();
  for (const auto& [name, bytes] : {std::pair<std::string, std::string>{"model.safetensors", "weights"},
                                    {"state.json", "{\"step\": 1}"}})
    files[name] = {{"size", bytes.size()}, {"sha256", grain::kernels::sha256_hex(bytes)}};
  const std::string manifest =
      nlohmann::json{{"format", "grain-checkpoint"}, {"version", 1}, {"step", 1}, {"files", files}}.dump();
  write_file_atomic(root / "checkpoint" / "manifest", std::string(1, '\0') + manifest);
  write_file_atomic(root / "checkpoint" / "manifest_deep100",
                    std::string(1, '\0') + R"({"format": "grain-checkpoint", "step": 1, "files": )" +
                        nested_arrays(100) + "}");
  write_file_atomic(root / "checkpoint" / "latest", std::string(1, '\1') + "ckpt-2\n");
  write_file_atomic(root / "checkpoint" / "latest_older", std::string(1, '\1') + "ckpt-1");
  write_file_atomic(root / "checkpoint" / "best_plain", std::string(1, '\2') + "ckpt-2");
  write_file_atomic(root / "checkpoint" / "best_relative", std::string(1, '\2') + "./ckpt-1/../ckpt-2");
  write_file_atomic(root / "checkpoint" / "best_outside", std::string(1, '\2') + "../x");

  fs::create_directories(root / "config");
  for (size_t i = 0; i < std::size(kConfigs); ++i)
    write_file_atomic(root / "config" / ("valid" + std::to_string(i)), kConfigs[i]);
  write_file_atomic(root / "config" / "deep100", "model: " + nested_arrays(100) + "\n");
  write_file_atomic(root / "config" / "deep100000", "model: " + nested_arrays(100'000) + "\n");

  fs::create_directories(root / "feature_cache");
  write_file_atomic(root / "feature_cache" / "valid1", feature_cache(1));
  write_file_atomic(root / "feature_cache" / "valid5", feature_cache(5));
  std::printf("wrote the seeds under %s\n", root.c_str());
  return 0;
}
