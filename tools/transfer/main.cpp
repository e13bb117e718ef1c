// transfer: evaluates a source encoder on a few-shot target by the transfer
// protocol (docs/transfer.md); the protocol itself is experiments/transfer.h.
//   transfer --checkpoint RUN_DIR|CKPT_DIR|random --target DATA_DIR [--shots 1,5,10] [--runs 10]
//            [--seed 0] [--epochs E] [--lr X] [--device cpu|cuda|auto] [--threads N]
//            [--out DIR] [--json FILE] [--architecture RUN_OR_CKPT]
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/flag_parser.h"
#include "data/common/file_io.h"
#include "engine/device.h"
#include "engine/error.h"
#include "experiments/transfer.h"
#include "train/stop_request.h"

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
  --device cpu|cuda|cuda:N|auto  where the encoder runs (default auto)
  --threads N          CPU threads (default 0: every core; at most 1024)
  --out DIR            output folder: features.safetensors, preprocessing.json,
                       transfer.json (default transfer-out)
  --json FILE          also write the result JSON to FILE (its folder must exist)
  --help               this text
Exit status: 0 done, 1 error, 2 bad command line, 130/143 stopped by SIGINT/SIGTERM
(at the next draw or encoded batch; nothing written, the same command starts over).
)";

// "1,5,10": positive integers separated by commas.
std::vector<int64_t> parse_shots(const std::string& text) {
  std::vector<int64_t> shots;
  size_t start = 0;
  for (;;) {
    const size_t comma = text.find(',', start);
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    try {
      shots.push_back(grain::cli::parse_integer("--shots", item, 1));
    } catch (const grain::cli::UsageError&) {
      throw std::invalid_argument("expected positive integers separated by commas");
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return shots;
}

}  // namespace

int main(int argc, char** argv) {
  grain::TransferOptions o;
  o.out = "transfer-out";
  o.extract.device = "auto";
  std::filesystem::path json_file;
  grain::cli::FlagParser flags("transfer", kUsage);
  flags.text("--checkpoint", &o.checkpoint);
  flags.text("--architecture", &o.architecture);
  flags.text("--target", &o.target);
  flags.value("--shots", [&](const std::string& v) { o.shots = parse_shots(v); });
  flags.integer("--runs", &o.runs, 2);
  flags.unsigned_integer("--seed", &o.seed);
  flags.integer("--epochs", &o.probe.epochs, 1);
  flags.number("--lr", &o.probe.lr, grain::cli::Bounds::at_least(0));
  flags.value("--device", [&](const std::string& v) {
    if (!grain::try_parse_device_choice(v)) throw std::invalid_argument(std::string("expected ") + grain::kDeviceNames);
    o.extract.device = v;
  });
  flags.integer("--threads", &o.extract.threads, 0);
  flags.text("--out", &o.out);
  flags.text("--json", &json_file);
  try {
    if (flags.parse(argc, argv) == grain::cli::Parsed::kExit) return 0;
    if (o.checkpoint.empty()) throw grain::cli::UsageError("--checkpoint is required");
    if (o.target.empty()) throw grain::cli::UsageError("--target is required");
    grain::check_transfer_options(o, json_file);  // every bound (the flags above check only their lower ends)
  } catch (const grain::cli::UsageError& e) {
    return flags.usage_error(e);
  } catch (const grain::Error& e) {
    std::fprintf(stderr, "transfer: %s\n", e.message().c_str());
    return 2;
  }
  try {
    grain::install_stop_signal_handlers();
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
  } catch (const grain::StopRequested& e) {  // nothing written: a rerun starts over, encodings from the cache if complete
    std::fprintf(stderr, "transfer: %s; nothing written\n", e.what());
    return 128 + (e.signal() > 0 ? e.signal() : SIGINT);
  } catch (const grain::Error& e) {
    std::fprintf(stderr, "transfer: error: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "transfer: error: %s\n", e.what());
  }
  return 1;
}
