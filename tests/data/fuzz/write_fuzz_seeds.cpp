// Writes the seed corpora of the fuzz targets, so none is stored in the
// repository:  write_fuzz_seeds DIR  fills DIR/annotations and DIR/safetensors.
// Each reader gets one valid input and depth bombs: a value nested 100,000
// deep (200 KB; the shape that overflowed the stack in error messages) and
// one nested 100 deep (just past the limit, small enough to mutate quickly).
// The first byte of a fuzz_annotations input picks the reader (see there).
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "data/common/file_io.h"
#include "data/formats/safetensors.h"

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
  std::printf("wrote the seeds under %s\n", root.c_str());
  return 0;
}
