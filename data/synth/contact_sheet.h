// A contact sheet: a PNG showing a few videos of every class with their captions.
//
// Design decision: the sheet is rendered from the same (seed, index) as the
// dataset's videos (the first videos of each class in train), straight from
// the renderer rather than decoded files, so it can be made without writing
// the dataset and shows exactly what the encoder was given.
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

#include "dataset_kind.h"
#include "label_files.h"

namespace grain::data::synth {

struct ContactSheetOptions {
  int videos_per_class = 2;
  int frames_per_video = 4;  // evenly spaced from the first to the last frame
  int columns = 4;           // videos per row of the sheet
  bool half_size = true;     // thumbnails at half the video size
};

/// Writes the sheet for the videos of `entries` (the first videos of each class,
/// train first) rendered at width x height. Throws DataError naming the file.
void write_contact_sheet(const DatasetKind& kind, uint64_t seed, const std::vector<VideoEntry>& entries, int width,
                         int height, const std::filesystem::path& png, const ContactSheetOptions& options = {});

}  // namespace grain::data::synth
