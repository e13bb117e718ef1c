// libFuzzer target: the JSON readers (labels, groups, a split, a vocabulary,
// a shard index, a predictions file, a checkpoint manifest) on arbitrary text.
// The first byte picks the reader. Any DataError is an expected outcome; a
// crash (a stack overflow from deep nesting among them), sanitizer report or
// hang is a bug.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "data/formats/checkpoint_folder.h"
#include "data/loader/shard_format.h"
#include "data/ssv2/annotations.h"
#include "data/ssv2/vocabulary.h"
#include "data/metrics/predictions.h"

namespace {

// A per-process scratch folder for the readers that take a path.
const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = "/tmp/grain_fuzz_json_" + std::to_string(::getpid());
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace grain::data;
  if (size < 1) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    AnnotationTexts t;
    t.labels = R"({"Dropping something": "0", "Holding something next to something": "1"})";
    switch (data[0] % 7) {
      case 0: t.labels = text; break;
      case 1: t.groups = text; break;
      case 2: t.train = text; break;
      case 3: Vocabulary::parse(text, "vocab.json"); return 0;
      case 4: {
        std::filesystem::create_directories(scratch());
        write_file_atomic(scratch() / "index.json", text);
        ShardIndex::load(scratch());
        return 0;
      }
      case 5: grain::metrics::parse_predictions(text, "predictions.jsonl", 174); return 0;
      default: {
        const std::filesystem::path checkpoint = scratch() / "ckpt-1";
        std::filesystem::create_directories(checkpoint);
        write_file_atomic(checkpoint / "manifest.json", text);
        grain::formats::read_checkpoint(checkpoint);
        return 0;
      }
    }
    Annotations::parse(t);
  } catch (const DataError&) {
  }
  return 0;
}
