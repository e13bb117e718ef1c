// ClipSource implementations for video files and JPEG frame folders.
#include "data/loader/clip_source.h"

#include "data/common/error.h"
#include "data/common/path_inside.h"
#include "data/video/frame_folder.h"

namespace grain::data {
namespace {

// The id list and its bounds check, shared by the file-based sources.
class IdListSource : public ClipSource {
 public:
  IdListSource(DatasetLayout layout, std::vector<std::string> ids)
      : layout_(std::move(layout)), ids_(std::move(ids)) {}
  int64_t size() const override { return static_cast<int64_t>(ids_.size()); }

 protected:
  const std::string& at(int64_t i) const {
    if (i < 0 || i >= size()) throw DataError("video index " + std::to_string(i) + " out of range");
    return ids_[static_cast<size_t>(i)];
  }
  DatasetLayout layout_;

 private:
  std::vector<std::string> ids_;
};

// The layout with its root and its videos/ and frames/ folders resolved once
// (data/common/path_inside.h), so every per-video path is built from, and
// checked against, the folders as they were when the source was made.
DatasetLayout resolved(DatasetLayout layout) {
  const std::filesystem::path videos = resolve_folder(layout.root / layout.videos);
  const std::filesystem::path frames = resolve_folder(layout.root / layout.frames);
  layout.root = resolve_folder(layout.root);
  layout.videos = videos.string();  // absolute: root / videos is videos
  layout.frames = frames.string();
  return layout;
}

std::string video_named(const std::string& id) { return "video " + quoted_name(id); }

class VideoFileSource final : public IdListSource {
 public:
  VideoFileSource(DatasetLayout layout, std::vector<std::string> ids, DecodeOptions options)
      : IdListSource(resolved(std::move(layout)), std::move(ids)), options_(options) {}
  DecodedVideo load(int64_t i) const override {
    const std::string& id = at(i);
    return decode_video(resolve_inside(layout_.video_path(id), layout_.videos, video_named(id)), options_);
  }
  std::string describe(int64_t i) const override { return layout_.video_path(at(i)).string(); }

 private:
  DecodeOptions options_;
};

class FrameFolderSource final : public IdListSource {
 public:
  FrameFolderSource(DatasetLayout layout, std::vector<std::string> ids, double source_fps, DecodeOptions options)
      : IdListSource(resolved(std::move(layout)), std::move(ids)), source_fps_(source_fps), options_(options) {}
  DecodedVideo load(int64_t i) const override {
    const std::string& id = at(i);
    const std::filesystem::path folder = resolve_inside(layout_.frames_path(id), layout_.frames, video_named(id));
    return decode_frame_folder(folder, source_fps_, options_, layout_.frames);
  }
  std::string describe(int64_t i) const override { return layout_.frames_path(at(i)).string(); }

 private:
  double source_fps_;
  DecodeOptions options_;
};

}  // namespace

std::unique_ptr<ClipSource> make_video_file_source(const DatasetLayout& layout, std::vector<std::string> ids,
                                                   const DecodeOptions& options) {
  return std::make_unique<VideoFileSource>(layout, std::move(ids), options);
}

std::unique_ptr<ClipSource> make_frame_folder_source(const DatasetLayout& layout, std::vector<std::string> ids,
                                                     double source_fps, const DecodeOptions& options) {
  return std::make_unique<FrameFolderSource>(layout, std::move(ids), source_fps, options);
}

std::vector<std::string> ids_of(const std::vector<VideoLabel>& videos) {
  std::vector<std::string> ids;
  ids.reserve(videos.size());
  for (const auto& v : videos) ids.push_back(v.id);
  return ids;
}

}  // namespace grain::data
