// A video stored as a folder of JPEG frames (frames/<id>/000001.jpg, ...).
// Design: the same contract as decode_video: frames resampled from the
// folder's frame rate to the output rate by the same timestamp rule (source
// frame i is on screen during [i/src_fps, (i+1)/src_fps)), resized with the
// same filter, errors naming the frame file.
#pragma once

#include <filesystem>

#include "data/video/video_decoder.h"

namespace grain::data {

// Frames are the folder's *.jpg / *.jpeg files in file-name order, recorded at
// source_fps. options.time_limit_s and max_frames apply as for decode_video.
// Every frame file must resolve (symbolic links followed) inside
// `resolved_root`, a folder resolved with resolve_folder
// (data/common/path_inside.h), e.g. the dataset's frames/; empty = inside
// `folder` itself. A frame file that resolves elsewhere is a DataError naming
// it, and is not read.
DecodedVideo decode_frame_folder(const std::filesystem::path& folder, double source_fps,
                                 const DecodeOptions& options = {}, const std::filesystem::path& resolved_root = {});

}  // namespace grain::data
