// make_dataset: writes a synthetic dataset (synth-ss or synth-kitchen) in the
// Something-Something V2 layout, deterministically, in parallel, resumably.
//
// Design decision: a thin command line over grain_synth; every flag is
// checked and a bad one is an error naming it (never a silent default).
#include <cstdio>
#include <exception>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/flag_parser.h"
#include "data/synth/contact_sheet.h"
#include "data/synth/dataset_kind.h"
#include "data/synth/dataset_writer.h"
#include "data/synth/label_files.h"
#include "data/video/video_decoder.h"

namespace synth = grain::data::synth;
namespace cli = grain::cli;

namespace {

const char* const kHelp = R"(usage: make_dataset --kind synth-ss|synth-kitchen --out DIR [options]

Writes a synthetic video dataset in the Something-Something V2 layout:
  DIR/labels.json, train.json, validation.json, test.json, groups.json,
  DIR/videos/<id>.webm (VP9, 12 fps)  or  DIR/frames/<id>/000001.jpg ...
Same seed and flags give byte-identical files. An interrupted run is resumed
by running the same command again (finished videos are kept).

options:
  --kind K                 synth-ss (34 categories, 10 groups) or
                           synth-kitchen (13 classes; all videos in train.json)
  --out DIR                output folder (created if needed)
  --seed S                 random seed, unsigned integer (default 1)
  --videos-per-split T,V,E number of train,validation,test videos
                           (default synth-ss 1020,170,170; synth-kitchen 390,0,0)
  --size WxH               frame size, even numbers (default 128x96)
  --format webm|jpeg       VP9 WebM files (default) or JPEG frame folders
  --crf Q                  VP9 constant quality 0..63 (default 32)
  --jpeg-quality Q         JPEG quality 1..100 (default 90)
  --threads N              worker threads (default: all cores)
  --preview PNG            also write a contact sheet: the first videos of
                           each class (4 frames each) with their captions
  --preview-per-class N    videos per class on the contact sheet (default 2)
  --preview-only           write only the contact sheet, no dataset
  --quiet                  no progress output
  --help                   this text
)";

// "T,V,E": three video counts.
synth::SplitSizes parse_splits(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t p = text.find(','); p != std::string::npos; p = text.find(',', start))
    parts.push_back(text.substr(start, p - start)), start = p + 1;
  parts.push_back(text.substr(start));
  if (parts.size() != 3) throw std::invalid_argument("expected TRAIN,VALIDATION,TEST");
  constexpr int64_t kMaxVideos = 100000000;
  return {cli::parse_integer("--videos-per-split", parts[0], 0, kMaxVideos),
          cli::parse_integer("--videos-per-split", parts[1], 0, kMaxVideos),
          cli::parse_integer("--videos-per-split", parts[2], 0, kMaxVideos)};
}

// "WxH": even sides in [16, 4096].
void parse_size(const std::string& text, synth::WriteOptions& opt) {
  const size_t x = text.find('x');
  if (x == std::string::npos) throw std::invalid_argument("expected WxH (e.g. 128x96)");
  opt.width = static_cast<int>(cli::parse_integer("--size", text.substr(0, x), 16, 4096));
  opt.height = static_cast<int>(cli::parse_integer("--size", text.substr(x + 1), 16, 4096));
  if (opt.width % 2 || opt.height % 2) throw std::invalid_argument("width and height must be even");
}

}  // namespace

int main(int argc, char** argv) {
  std::string kind_name, out, preview, format = "webm";
  std::optional<synth::SplitSizes> splits;
  synth::WriteOptions opt;
  bool preview_only = false, quiet = false;
  synth::ContactSheetOptions sheet;
  std::unique_ptr<synth::DatasetKind> kind;
  cli::FlagParser flags("make_dataset", kHelp);
  flags.text("--kind", &kind_name);
  flags.text("--out", &out);
  flags.unsigned_integer("--seed", &opt.seed);
  flags.value("--videos-per-split", [&](const std::string& v) { splits = parse_splits(v); });
  flags.value("--size", [&](const std::string& v) { parse_size(v, opt); });
  flags.choice("--format", &format, {"webm", "jpeg"});
  flags.integer("--crf", &opt.crf, 0, 63);
  flags.integer("--jpeg-quality", &opt.jpeg_quality, 1, 100);
  flags.integer("--threads", &opt.threads, 1, 1024);
  flags.text("--preview", &preview);
  flags.set_true("--preview-only", &preview_only);
  flags.integer("--preview-per-class", &sheet.videos_per_class, 1, 100);
  flags.set_true("--quiet", &quiet);
  try {
    if (flags.parse(argc, argv) == cli::Parsed::kExit) return 0;
    if (kind_name.empty()) throw cli::UsageError("--kind is required (synth-ss or synth-kitchen)");
    if (out.empty() && !preview_only) throw cli::UsageError("--out is required");
    if (preview_only && preview.empty()) throw cli::UsageError("--preview-only needs --preview PNG");
    try {
      kind = synth::make_dataset_kind(kind_name);
    } catch (const std::invalid_argument& e) {
      throw cli::UsageError(std::string("--kind: ") + e.what());
    }
    if (format == "webm" && !grain::data::built_with_ffmpeg())
      throw cli::UsageError("--format webm: this build has no FFmpeg to write WebM videos; use --format jpeg");
  } catch (const cli::UsageError& e) {
    return flags.usage_error(e);
  }
  if (quiet) opt.progress = false;
  opt.format = format == "webm" ? synth::VideoFormat::kWebm : synth::VideoFormat::kJpeg;
  opt.out = out;
  opt.splits = splits ? *splits : kind->default_splits();

  try {
    if (!preview_only) {
      const synth::WriteStats s = synth::write_dataset(*kind, opt);
      std::fprintf(stderr,
                   "%s: %lld videos in %s (%lld written, %lld already there), %.1f s; "
                   "%lld frames rendered in %.1f thread-s (%.0f videos/s per thread before encoding)\n",
                   kind->name().c_str(), static_cast<long long>(s.videos), out.c_str(),
                   static_cast<long long>(s.written), static_cast<long long>(s.skipped), s.seconds,
                   static_cast<long long>(s.frames), s.render_seconds,
                   s.render_seconds > 0 ? static_cast<double>(s.written) / s.render_seconds : 0.0);
    }
    if (!preview.empty()) {
      const auto entries = synth::plan_entries(*kind, opt.seed, opt.splits);
      synth::write_contact_sheet(*kind, opt.seed, entries, opt.width, opt.height, preview, sheet);
      std::fprintf(stderr, "contact sheet: %s\n", preview.c_str());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_dataset: %s\n", e.what());
    return 1;
  }
  return 0;
}
