// libFuzzer target: arbitrary bytes as a video file through decode_video.
// Any DataError is an expected outcome; a crash, sanitizer report or hang is a bug.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "data/common/error.h"
#include "data/video/video_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::string path = "/tmp/grain_fuzz_video_" + std::to_string(::getpid()) + ".webm";
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return 0;
  std::fwrite(data, 1, size, f);
  std::fclose(f);
  grain::data::DecodeOptions o;
  o.fps = 12;
  o.width = 32;
  o.height = 24;
  o.time_limit_s = 2;
  o.max_frames = 256;
  try {
    grain::data::decode_video(path, o);
  } catch (const grain::data::DataError&) {
  }
  return 0;
}
