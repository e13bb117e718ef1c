// ClipSource: "give me the frames of video i", whatever the storage.
// Design: the loader sees one interface for the three storages (video files,
// JPEG frame folders, packed shards), so shards and WebM are interchangeable
// behind the same API and the same preprocessing. load() returns frames
// already at the configured fps and resize size; it throws DataError for a
// bad video (the loader then replaces it) and must be safe to call from
// several threads at once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "data/ssv2/annotations.h"
#include "data/video/video_decoder.h"

namespace grain::data {

class ClipSource {
 public:
  virtual ~ClipSource() = default;
  virtual int64_t size() const = 0;
  // Frames of video i, (frames, height, width, 3) at the source's fps and size.
  virtual DecodedVideo load(int64_t index) const = 0;
  // Where video i lives (for error messages and logs).
  virtual std::string describe(int64_t index) const = 0;
};

// Both file-based sources resolve the layout's root, videos/ and frames/
// folders once, when made (each may be a symbolic link, e.g. to another
// disk), and keep every video inside: a video file, frame folder or frame
// file that resolves outside the resolved folder is a DataError naming the
// video id and both paths (a bad video to the loader), and is never opened.

// Video files layout.videos/<id>.* decoded with `options` (fps, width, height, time limit).
std::unique_ptr<ClipSource> make_video_file_source(const DatasetLayout& layout, std::vector<std::string> ids,
                                                   const DecodeOptions& options);

// JPEG folders layout.frames/<id>/ recorded at source_fps, resampled/resized with `options`.
std::unique_ptr<ClipSource> make_frame_folder_source(const DatasetLayout& layout, std::vector<std::string> ids,
                                                     double source_fps, const DecodeOptions& options);

// The ids of a split's videos, in file order.
std::vector<std::string> ids_of(const std::vector<VideoLabel>& videos);

}  // namespace grain::data
