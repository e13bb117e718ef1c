// make_dataset: writes a synthetic dataset (synth-ss or synth-kitchen) in the
// Something-Something V2 layout, deterministically, in parallel, resumably.
//
// Design decision: a thin command line over grain_synth; every flag is
// checked and a bad one is an error naming it (never a silent default).
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/synth/contact_sheet.h"
#include "data/synth/dataset_kind.h"
#include "data/synth/dataset_writer.h"
#include "data/synth/label_files.h"
#include "data/video/video_decoder.h"

namespace synth = grain::data::synth;

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

[[noreturn]] void fail(const std::string& msg) {
  std::fprintf(stderr, "make_dataset: %s\n(run make_dataset --help for usage)\n", msg.c_str());
  std::exit(2);
}

int64_t parse_int(const std::string& flag, const std::string& s, int64_t lo, int64_t hi) {
  int64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < lo || v > hi)
    fail(flag + ": expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got '" + s + "'");
  return v;
}

uint64_t parse_seed(const std::string& s) {
  uint64_t v = 0;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) fail("--seed: expected an unsigned integer, got '" + s + "'");
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::string kind_name, out, preview, size = "128x96", format = "webm", splits_text;
  synth::WriteOptions opt;
  bool preview_only = false;
  synth::ContactSheetOptions sheet;
  std::vector<std::string> args(argv + 1, argv + argc);
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) fail(a + ": missing value");
      return args[++i];
    };
    if (a == "--help" || a == "-h") {
      std::fputs(kHelp, stdout);
      return 0;
    } else if (a == "--kind") kind_name = value();
    else if (a == "--out") out = value();
    else if (a == "--seed") opt.seed = parse_seed(value());
    else if (a == "--videos-per-split") splits_text = value();
    else if (a == "--size") size = value();
    else if (a == "--format") format = value();
    else if (a == "--crf") opt.crf = static_cast<int>(parse_int(a, value(), 0, 63));
    else if (a == "--jpeg-quality") opt.jpeg_quality = static_cast<int>(parse_int(a, value(), 1, 100));
    else if (a == "--threads") opt.threads = static_cast<int>(parse_int(a, value(), 1, 1024));
    else if (a == "--preview") preview = value();
    else if (a == "--preview-only") preview_only = true;
    else if (a == "--preview-per-class") sheet.videos_per_class = static_cast<int>(parse_int(a, value(), 1, 100));
    else if (a == "--quiet") opt.progress = false;
    else fail("unknown flag '" + a + "'");
  }
  if (kind_name.empty()) fail("--kind is required (synth-ss or synth-kitchen)");
  if (out.empty() && !preview_only) fail("--out is required");
  if (preview_only && preview.empty()) fail("--preview-only needs --preview PNG");

  std::unique_ptr<synth::DatasetKind> kind;
  try {
    kind = synth::make_dataset_kind(kind_name);
  } catch (const std::invalid_argument& e) {
    fail(std::string("--kind: ") + e.what());
  }
  opt.out = out;
  opt.splits = kind->default_splits();
  if (!splits_text.empty()) {
    std::vector<std::string> parts;
    size_t start = 0;
    for (size_t p = splits_text.find(','); p != std::string::npos; p = splits_text.find(',', start))
      parts.push_back(splits_text.substr(start, p - start)), start = p + 1;
    parts.push_back(splits_text.substr(start));
    if (parts.size() != 3) fail("--videos-per-split: expected TRAIN,VALIDATION,TEST, got '" + splits_text + "'");
    opt.splits.train = parse_int("--videos-per-split", parts[0], 0, 100000000);
    opt.splits.validation = parse_int("--videos-per-split", parts[1], 0, 100000000);
    opt.splits.test = parse_int("--videos-per-split", parts[2], 0, 100000000);
  }
  const size_t x = size.find('x');
  if (x == std::string::npos) fail("--size: expected WxH (e.g. 128x96), got '" + size + "'");
  opt.width = static_cast<int>(parse_int("--size", size.substr(0, x), 16, 4096));
  opt.height = static_cast<int>(parse_int("--size", size.substr(x + 1), 16, 4096));
  if (opt.width % 2 || opt.height % 2) fail("--size: width and height must be even, got '" + size + "'");
  if (format == "webm" && !grain::data::built_with_ffmpeg())
    fail("--format webm: this build has no FFmpeg to write WebM videos; use --format jpeg");
  if (format == "webm") opt.format = synth::VideoFormat::kWebm;
  else if (format == "jpeg") opt.format = synth::VideoFormat::kJpeg;
  else fail("--format: expected webm or jpeg, got '" + format + "'");

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
