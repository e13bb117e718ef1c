// A small generated SSv2-layout dataset: n lossless VP9 videos of w x h at
// 12 fps, video i has 3 + i % 6 frames, frame t of video i = test_frame(w, h, t + 10 i).
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "ssv2_fixtures.h"
#include "video_fixtures.h"

namespace grain::data::testing {

inline int fixture_frames(int i) { return 3 + i % 6; }

inline void write_ssv2_dataset(const std::filesystem::path& root, int n, int w, int h) {
  std::filesystem::create_directories(root / "videos");
  write_text(root / "labels.json", kLabelsJson);
  write_text(root / "groups.json", kGroupsJson);
  const char* templates[3] = {"Dropping [something]", "Holding [something] next to [something]",
                              "Pushing [something] from left to right"};
  nlohmann::json train = nlohmann::json::array();
  for (int i = 0; i < n; ++i) {
    const std::string id = std::to_string(1000 + i);
    const int c = i % 3;
    nlohmann::json e = {{"id", id}, {"template", templates[c]}};
    if (c == 1) {
      e["label"] = "holding a red cup next to a green box";
      e["placeholders"] = {"a red cup", "a green box"};
    } else {
      e["label"] = c == 0 ? "dropping a pen" : "pushing a small car from left to right";
      e["placeholders"] = {c == 0 ? "a pen" : "a small car"};
    }
    train.push_back(e);
    WebmWriterOptions o;
    o.width = w;
    o.height = h;
    o.fps = 12;
    o.lossless = true;
    WebmWriter writer(root / "videos" / (id + ".webm"), o);
    for (int t = 0; t < fixture_frames(i); ++t) writer.write_frame(test_frame(w, h, t + 10 * i).data());
    writer.finish();
  }
  write_text(root / "train.json", train.dump(1));
}

}  // namespace grain::data::testing
