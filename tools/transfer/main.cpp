// transfer: evaluates a source encoder on a few-shot target by the transfer
// protocol (docs/transfer.md); the protocol itself is experiments/transfer.h.
//   transfer --checkpoint RUN_DIR|CKPT_DIR|random --target DATA_DIR [--shots 1,5,10] [--runs 10]
//            [--seed 0] [--epochs E] [--lr X] [--device cpu|cuda|auto] [--threads N]
//            [--out DIR] [--json FILE] [--architecture RUN_OR_CKPT]
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "tools/flag_value.h"
#include "data/common/file_io.h"
#include "engine/error.h"
#include "experiments/transfer.h"

namespace {

constexpr const char* kUsage = R"(usage: transfer --checkpoint RUN_DIR|CKPT_DIR|random --target DATA_DIR [options]

Freezes a source run's video encoder, extracts the encoding h of every video
of the target's train.json (evaluation mode, centre crop, the source run's
preprocessing; cached in --out as features.safetensors with the checkpoint's
SHA-256), then for every k and run draws k training videos per class (the
draw depends only on --seed, the run, k and the video ids), trains an MLP
h -> 512 ReLU -> classes on them (features standardised with the draw's
statistics; Adam, fixed epochs, no early stopping) and tests it on the rest.
Prints shots x mean accuracy +- 95% confidence interval.

options:
  --checkpoint PATH    a trainer run folder (its best checkpoint), a ckpt-<step>
                       folder, or `random` (the same architecture, seeded weights)
  --architecture PATH  with `random`: the run or checkpoint whose architecture and
                       preprocessing the random encoder copies (required)
  --target DIR         the target dataset (synth-kitchen layout: train.json)
  --shots LIST         training videos per class, comma-separated, each once
                       (default 1,5,10; 1 to 100000)
  --runs N             draws per k (default 10; 2 to 100000)
  --seed S             seed of the draws, the probes and the random encoder (default 0)
  --epochs E           probe training epochs, one full-batch Adam step each
                       (default 200; 1 to 100000)
  --lr X               probe learning rate (default 0.001; > 0 and <= 1)
  --device cpu|cuda|auto  where the encoder runs (default auto)
  --threads N          CPU threads (default 0: every core; at most 1024)
  --out DIR            output folder: features.safetensors, preprocessing.json,
                       transfer.json (default transfer-out)
  --json FILE          also write the result JSON to FILE (its folder must exist)
  --help               this text
Exit status: 0 done, 1 error, 2 bad command line.
)";

std::vector<int64_t> parse_shots(const std::string& text) {
  std::vector<int64_t> shots;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    size_t used = 0;
    long long k = 0;
    try {
      k = std::stoll(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || item.empty() || k < 1)
      throw std::invalid_argument("--shots " + text + ": expected positive integers separated by commas");
    shots.push_back(k);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return shots;
}

template <class T>
T parse_number(const std::string& flag, const std::string& text, double lo) {
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty() || !(v >= lo) || (std::is_integral_v<T> && v != static_cast<double>(static_cast<T>(v))))
    throw std::invalid_argument(flag + " " + text + ": expected " + (std::is_integral_v<T> ? "an integer" : "a number") +
                                " >= " + std::to_string(static_cast<long long>(lo)));
  return static_cast<T>(v);
}

}  // namespace

int main(int argc, char** argv) {
  grain::TransferOptions o;
  o.out = "transfer-out";
  o.extract.device = "auto";
  std::filesystem::path json_file;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string flag = argv[i];
      auto value = [&] { return grain::flag_value(argc, argv, i); };
      if (flag == "--help" || flag == "-h") {
        std::fputs(kUsage, stdout);
        return 0;
      } else if (flag == "--checkpoint") {
        o.checkpoint = value();
      } else if (flag == "--architecture") {
        o.architecture = value();
      } else if (flag == "--target") {
        o.target = value();
      } else if (flag == "--shots") {
        o.shots = parse_shots(value());
      } else if (flag == "--runs") {
        o.runs = parse_number<int64_t>(flag, value(), 2);
      } else if (flag == "--seed") {
        o.seed = parse_number<uint64_t>(flag, value(), 0);
      } else if (flag == "--epochs") {
        o.probe.epochs = parse_number<int64_t>(flag, value(), 1);
      } else if (flag == "--lr") {
        o.probe.lr = parse_number<double>(flag, value(), 0);
      } else if (flag == "--device") {
        o.extract.device = value();
        if (o.extract.device != "cpu" && o.extract.device != "cuda" && o.extract.device != "auto")
          throw std::invalid_argument("--device " + o.extract.device + ": expected cpu, cuda or auto");
      } else if (flag == "--threads") {
        o.extract.threads = parse_number<int>(flag, value(), 0);
      } else if (flag == "--out") {
        o.out = value();
      } else if (flag == "--json") {
        json_file = value();
      } else {
        throw std::invalid_argument("unknown argument " + flag + " (see --help)");
      }
    }
    if (o.checkpoint.empty()) throw std::invalid_argument("--checkpoint is required (see --help)");
    if (o.target.empty()) throw std::invalid_argument("--target is required (see --help)");
    grain::check_transfer_options(o, json_file);
  } catch (const grain::Error& e) {
    std::fprintf(stderr, "transfer: %s\n", e.message().c_str());
    return 2;
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "transfer: %s\n", e.what());
    return 2;
  }
  try {
    const grain::TransferResult result = grain::run_transfer(o);
    const std::string text = result.json.dump(2) + "\n";
    grain::data::write_file_atomic(o.out / "transfer.json", text);
    if (!json_file.empty()) grain::data::write_file_atomic(json_file, text);
    std::printf("checkpoint %s (sha256 %s)\ntarget %s: %d classes, %zu videos%s\n",
                result.json["checkpoint"].get<std::string>().c_str(),
                result.json["checkpoint_sha256"].get<std::string>().substr(0, 16).c_str(), o.target.string().c_str(),
                result.json["classes"].get<int>(), result.json["videos"].get<size_t>(),
                result.features_from_cache ? " (encodings from the cache)" : "");
    std::fputs(grain::transfer_table(result.json).c_str(), stdout);
    return 0;
  } catch (const grain::Error& e) {
    std::fprintf(stderr, "transfer: error: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "transfer: error: %s\n", e.what());
  }
  return 1;
}
