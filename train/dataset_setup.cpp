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

void generate_if_missing(const DataSpec& d, int threads) {
  const GeneratedData& g = d.generate;
  if (g.kind.empty() || fs::exists(d.root / "labels.json")) return;
  std::fprintf(stderr, "trainer: %s has no labels.json; generating the %s dataset there (seed %llu)\n",
               d.root.string().c_str(), g.kind.c_str(), static_cast<unsigned long long>(g.seed));
  GRAIN_CHECK(g.format == data::synth::VideoFormat::kJpeg || data::built_with_ffmpeg(),
              "dataset.generate_format webm: this build has no FFmpeg to write WebM videos; set "
              "dataset.generate_format: jpeg (with dataset.generate_width/height equal to model.resize, since "
              "resizing also needs FFmpeg)");
  const auto kind = data::synth::make_dataset_kind(g.kind);
  data::synth::WriteOptions options;
  options.out = d.root;
  options.seed = g.seed;
  options.splits = kind->default_splits();
  if (g.train > 0) options.splits.train = g.train;
  if (g.validation > 0) options.splits.validation = g.validation;
  if (g.test > 0) options.splits.test = g.test;
  options.width = g.width;
  options.height = g.height;
  options.format = g.format;
  options.threads = threads;
  options.stop_requested = [] { return stop_requested(); };
  const data::synth::WriteStats stats = data::synth::write_dataset(*kind, options);
  if (stats.stopped)  // whole videos kept; the next call completes the folder
    throw StopRequested("generating " + d.root.string() + " (" + std::to_string(stats.written) + " videos written)",
                        stop_signal());
  std::fprintf(stderr, "trainer: generated %lld videos in %.1f s\n", static_cast<long long>(stats.written),
               stats.seconds);
}

data::DatasetLayout layout_of(const DataSpec& d) {
  GRAIN_CHECK(fs::is_directory(d.root),
              "dataset.root " << d.root.string() << " is not a folder (set dataset.generate to create one)");
  data::DatasetLayout layout = data::DatasetLayout::detect(d.root);
  if (!d.labels_file.empty()) layout.labels = d.labels_file;
  if (!d.train_file.empty()) layout.train = d.train_file;
  if (!d.validation_file.empty()) layout.validation = d.validation_file;
  if (!d.test_file.empty()) layout.test = d.test_file;
  if (!d.groups_file.empty()) layout.groups = d.groups_file;
  return layout;
}

std::shared_ptr<const data::ClipSource> make_source(const DataSpec& d, const data::DatasetLayout& layout,
                                                    const std::vector<data::VideoLabel>& videos) {
  data::DecodeOptions decode;
  decode.fps = d.clip.fps;
  decode.width = d.clip.width;
  decode.height = d.clip.height;
  const std::vector<std::string> ids = data::ids_of(videos);
  DataStorage storage = d.storage;
  if (storage == DataStorage::kAuto)
    storage = fs::is_directory(layout.root / layout.videos) ? DataStorage::kVideos : DataStorage::kFrames;
  switch (storage) {
    case DataStorage::kShards:
      return data::make_shard_source(std::make_shared<const data::ShardReader>(d.shards_dir), ids, d.clip.fps,
                                     d.clip.height, d.clip.width);
    case DataStorage::kFrames:
      // The folders hold every frame at the dataset's rate (frames_fps);
      // decode.fps resamples them to the clip rate like a video's timestamps.
      return data::make_frame_folder_source(layout, ids, d.frames_fps, decode);
    case DataStorage::kVideos:
    case DataStorage::kAuto:
      break;
  }
  return data::make_video_file_source(layout, ids, decode);
}

data::LoaderConfig loader_config(const DataSpec& d, const LoadSettings& s, bool train, int rank, int world_size) {
  data::LoaderConfig l;
  l.rank = rank;
  l.world_size = world_size;
  l.batch_size = static_cast<int>(train ? s.batch_size : s.eval_batch_size);
  l.clip = d.clip;
  l.train = train;
  l.seed = s.seed;
  l.drop_last = train;
  l.workers = s.workers;
  // An evaluation never scores one video under another's id: a bad one is
  // left out (any number of them, each named) or, with bad_eval_videos: fail,
  // the first one stops the run.
  l.replace_bad_videos = train;
  l.max_bad_fraction = train ? s.max_bad_fraction : (s.fail_on_bad_eval_video ? 0.0 : 1.0);
  l.caption_length = d.caption_length;
  return l;
}

std::vector<data::VideoLabel> first_n(std::vector<data::VideoLabel> v, int64_t n) {
  if (n > 0 && static_cast<int64_t>(v.size()) > n) v.resize(static_cast<size_t>(n));
  return v;
}

}  // namespace

TrainingData open_training_data(const DataSpec& spec, const LoadSettings& load, const fs::path& vocabulary_file,
                                int rank, int world_size) {
  if (rank == 0) generate_if_missing(spec, load.threads);
  TrainingData d;
  d.layout = layout_of(spec);
  const data::Annotations annotations = data::Annotations::load(d.layout);
  d.category_names = annotations.category_names();
  d.task = spec.task;
  GRAIN_CHECK(d.task.classes != data::ClassView::kGroup || annotations.has_groups(),
              "task " << d.task.task << " needs action groups, but " << (d.layout.root / d.layout.groups).string()
                      << " was not found");
  d.class_names = data::class_names(d.task.classes, annotations);
  d.num_classes = static_cast<int64_t>(d.class_names.size());
  d.train_videos = first_n(annotations.split(spec.train_split), spec.max_train_videos);
  d.eval_videos = first_n(annotations.split(spec.eval_split), spec.max_eval_videos);
  GRAIN_CHECK(!d.train_videos.empty(), "dataset split " << spec.train_split << " of " << spec.root.string()
                                                        << " is empty");
  GRAIN_CHECK(static_cast<int64_t>(d.train_videos.size()) >= load.batch_size,
              "train.batch_size " << load.batch_size << " is larger than the " << d.train_videos.size()
                                  << " training videos");

  if (d.task.captioning()) {
    if (fs::exists(vocabulary_file)) {
      d.vocabulary = std::make_shared<const data::Vocabulary>(data::Vocabulary::load(vocabulary_file));
    } else {
      std::vector<std::string> captions;
      for (const auto& v : d.train_videos) captions.push_back(data::caption_text(d.task.captions, v));
      auto vocabulary = data::Vocabulary::build(captions, static_cast<int>(spec.vocabulary_min_count));
      if (rank == 0) vocabulary.save(vocabulary_file);
      d.vocabulary = std::make_shared<const data::Vocabulary>(std::move(vocabulary));
    }
  }
  // On CUDA the batch buffers are pinned (the upload still reads a pageable copy: batch_tensors.cpp).
  std::shared_ptr<data::HostAllocator> allocator;
  if (load.pinned_batches) allocator = std::make_shared<PinnedHostAllocator>();
  d.train_loader = std::make_unique<data::DataLoader>(make_source(spec, d.layout, d.train_videos), d.train_videos,
                                                      loader_config(spec, load, true, rank, world_size),
                                                      d.vocabulary, allocator);
  if (!d.eval_videos.empty())
    d.eval_loader = std::make_unique<data::DataLoader>(make_source(spec, d.layout, d.eval_videos), d.eval_videos,
                                                       loader_config(spec, load, false, rank, world_size),
                                                       d.vocabulary, allocator);
  return d;
}

TrainingData open_training_data(const TrainerConfig& config, const fs::path& vocabulary_file, int rank,
                                int world_size) {
  return open_training_data(config.data_spec(), config.load_settings(), vocabulary_file, rank, world_size);
}

}  // namespace grain
