// defines: open_training_data (see dataset_setup.h)
#include "train/dataset_setup.h"

#include <cstdio>
#include <filesystem>

#include "data/common/error.h"
#include "data/loader/shard_reader.h"
#include "data/ssv2/label_view.h"
#include "data/synth/dataset_writer.h"
#include "data/video/video_decoder.h"
#include "engine/error.h"
#include "train/pinned_host_allocator.h"
#include "train/stop_request.h"

namespace grain {

namespace fs = std::filesystem;

namespace {

void generate_if_missing(const TrainerConfig& c) {
  if (c.generate.empty() || fs::exists(c.dataset_root / "labels.json")) return;
  std::fprintf(stderr, "trainer: %s has no labels.json; generating the %s dataset there (seed %llu)\n",
               c.dataset_root.string().c_str(), c.generate.c_str(), static_cast<unsigned long long>(c.generate_seed));
  GRAIN_CHECK(c.generate_format == "jpeg" || data::built_with_ffmpeg(),
              "dataset.generate_format webm: this build has no FFmpeg to write WebM videos; set "
              "dataset.generate_format: jpeg (with dataset.generate_width/height equal to model.resize, since "
              "resizing also needs FFmpeg)");
  const auto kind = data::synth::make_dataset_kind(c.generate);
  data::synth::WriteOptions options;
  options.out = c.dataset_root;
  options.seed = c.generate_seed;
  options.splits = kind->default_splits();
  if (c.generate_train > 0) options.splits.train = c.generate_train;
  if (c.generate_validation > 0) options.splits.validation = c.generate_validation;
  if (c.generate_test > 0) options.splits.test = c.generate_test;
  options.width = c.generate_width;
  options.height = c.generate_height;
  options.format = c.generate_format == "jpeg" ? data::synth::VideoFormat::kJpeg : data::synth::VideoFormat::kWebm;
  options.threads = c.threads;
  options.stop_requested = [] { return stop_requested(); };
  const data::synth::WriteStats stats = data::synth::write_dataset(*kind, options);
  if (stats.stopped)  // whole videos kept; the next call completes the folder
    throw StopRequested("generating " + c.dataset_root.string() + " (" + std::to_string(stats.written) + " videos written)",
                        stop_signal());
  std::fprintf(stderr, "trainer: generated %lld videos in %.1f s\n", static_cast<long long>(stats.written),
               stats.seconds);
}

data::DatasetLayout layout_of(const TrainerConfig& c) {
  GRAIN_CHECK(fs::is_directory(c.dataset_root),
              "dataset.root " << c.dataset_root.string() << " is not a folder (set dataset.generate to create one)");
  data::DatasetLayout layout = data::DatasetLayout::detect(c.dataset_root);
  if (!c.labels_file.empty()) layout.labels = c.labels_file;
  if (!c.train_file.empty()) layout.train = c.train_file;
  if (!c.validation_file.empty()) layout.validation = c.validation_file;
  if (!c.test_file.empty()) layout.test = c.test_file;
  if (!c.groups_file.empty()) layout.groups = c.groups_file;
  return layout;
}

std::shared_ptr<const data::ClipSource> make_source(const TrainerConfig& c, const data::DatasetLayout& layout,
                                                    const std::vector<data::VideoLabel>& videos) {
  data::DecodeOptions decode;
  decode.fps = c.fps;
  decode.width = static_cast<int>(c.model.resize);
  decode.height = static_cast<int>(c.model.resize);
  const std::vector<std::string> ids = data::ids_of(videos);
  std::string storage = c.storage;
  if (storage == "auto") storage = fs::is_directory(layout.root / layout.videos) ? "videos" : "frames";
  if (storage == "shards") {
    auto reader = std::make_shared<const data::ShardReader>(c.shards_dir);
    return data::make_shard_source(reader, ids, c.fps, static_cast<int>(c.model.resize),
                                   static_cast<int>(c.model.resize));
  }
  // The folders hold every frame at the dataset's rate (dataset.frames_fps);
  // decode.fps resamples them to the clip rate like a video's timestamps.
  if (storage == "frames") return data::make_frame_folder_source(layout, ids, c.frames_fps, decode);
  return data::make_video_file_source(layout, ids, decode);
}

data::LoaderConfig loader_config(const TrainerConfig& c, bool train, int rank, int world_size) {
  data::LoaderConfig l;
  l.rank = rank;
  l.world_size = world_size;
  l.batch_size = static_cast<int>(train ? c.batch_size : c.eval_batch_size);
  l.clip.frames = static_cast<int>(c.model.frames);
  l.clip.height = l.clip.width = static_cast<int>(c.model.resize);
  l.clip.crop_height = l.clip.crop_width = static_cast<int>(c.model.crop);
  l.clip.fps = c.fps;
  l.clip.pixel_scale = static_cast<float>(c.pixel_scale);
  l.clip.pixel_type = data::PixelType::kFloat32;
  l.train = train;
  l.seed = c.seed;
  l.drop_last = train;
  l.workers = c.workers;
  // An evaluation never scores one video under another's id: a bad one is
  // left out (any number of them, each named) or, with bad_eval_videos: fail,
  // the first one stops the run.
  l.replace_bad_videos = train;
  l.max_bad_fraction = train ? c.max_bad_fraction : (c.fail_on_bad_eval_video ? 0.0 : 1.0);
  l.caption_length = static_cast<int>(c.model.caption_length);
  return l;
}

std::vector<data::VideoLabel> first_n(std::vector<data::VideoLabel> v, int64_t n) {
  if (n > 0 && static_cast<int64_t>(v.size()) > n) v.resize(static_cast<size_t>(n));
  return v;
}

}  // namespace

TrainingData open_training_data(const TrainerConfig& c, const fs::path& vocabulary_file, int rank, int world_size) {
  if (rank == 0) generate_if_missing(c);
  TrainingData d;
  d.layout = layout_of(c);
  const data::Annotations annotations = data::Annotations::load(d.layout);
  d.category_names = annotations.category_names();
  d.task = c.labels;
  GRAIN_CHECK(d.task.classes != data::ClassView::kGroup || annotations.has_groups(),
              "task " << c.task_name << " needs action groups, but " << (d.layout.root / d.layout.groups).string()
                      << " was not found");
  d.class_names = data::class_names(d.task.classes, annotations);
  d.num_classes = static_cast<int64_t>(d.class_names.size());
  d.train_videos = first_n(annotations.split(c.train_split), c.max_train_videos);
  d.eval_videos = first_n(annotations.split(c.eval_split), c.max_eval_videos);
  GRAIN_CHECK(!d.train_videos.empty(), "dataset split " << c.train_split << " of " << c.dataset_root.string()
                                                        << " is empty");
  GRAIN_CHECK(static_cast<int64_t>(d.train_videos.size()) >= c.batch_size,
              "train.batch_size " << c.batch_size << " is larger than the " << d.train_videos.size()
                                  << " training videos");

  if (c.is_captioning()) {
    if (fs::exists(vocabulary_file)) {
      d.vocabulary = std::make_shared<const data::Vocabulary>(data::Vocabulary::load(vocabulary_file));
    } else {
      std::vector<std::string> captions;
      for (const auto& v : d.train_videos) captions.push_back(data::caption_text(d.task.captions, v));
      auto vocabulary = data::Vocabulary::build(captions, static_cast<int>(c.vocabulary_min_count));
      if (rank == 0) vocabulary.save(vocabulary_file);
      d.vocabulary = std::make_shared<const data::Vocabulary>(std::move(vocabulary));
    }
  }
  // On CUDA the batch buffers are pinned (the upload still reads a pageable copy: batch_tensors.cpp).
  std::shared_ptr<data::HostAllocator> allocator;
  if (c.device == "cuda") allocator = std::make_shared<PinnedHostAllocator>();
  d.train_loader = std::make_unique<data::DataLoader>(make_source(c, d.layout, d.train_videos), d.train_videos,
                                                      loader_config(c, true, rank, world_size), d.vocabulary,
                                                      allocator);
  if (!d.eval_videos.empty())
    d.eval_loader = std::make_unique<data::DataLoader>(make_source(c, d.layout, d.eval_videos), d.eval_videos,
                                                       loader_config(c, false, rank, world_size), d.vocabulary,
                                                       allocator);
  return d;
}

}  // namespace grain
