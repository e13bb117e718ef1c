// libFuzzer target: the JSON readers (labels, groups, a split, a vocabulary,
// a shard index) on arbitrary text. The first byte picks the reader.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "data/loader/shard_format.h"
#include "data/ssv2/annotations.h"
#include "data/ssv2/vocabulary.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace grain::data;
  if (size < 1) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    AnnotationTexts t;
    t.labels = R"({"Dropping something": "0", "Holding something next to something": "1"})";
    switch (data[0] % 5) {
      case 0: t.labels = text; break;
      case 1: t.groups = text; break;
      case 2: t.train = text; break;
      case 3: Vocabulary::parse(text, "vocab.json"); return 0;
      default: {
        static const std::filesystem::path dir = "/tmp/grain_fuzz_index_" + std::to_string(::getpid());
        std::filesystem::create_directories(dir);
        write_file_atomic(dir / "index.json", text);
        ShardIndex::load(dir);
        return 0;
      }
    }
    Annotations::parse(t);
  } catch (const DataError&) {
  }
  return 0;
}
