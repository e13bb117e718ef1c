// DataLoader implementation (see loader.h for the design).
#include "data/loader/loader.h"

#include <algorithm>
#include <cstring>

#include "data/common/error.h"
#include "data/common/log.h"
#include "data/common/rng.h"

namespace grain::data {

void LoaderConfig::validate() const {
  auto bad = [](const std::string& what) { throw DataError("LoaderConfig: " + what); };
  if (batch_size < 1) bad("batch_size must be >= 1");
  if (world_size < 1 || rank < 0 || rank >= world_size)
    bad("rank " + std::to_string(rank) + " must be in [0, world_size = " + std::to_string(world_size) + ")");
  if (workers < 0) bad("workers must be >= 0");
  if (prefetch_batches < 1) bad("prefetch_batches must be >= 1");
  if (!(max_bad_fraction >= 0 && max_bad_fraction <= 1)) bad("max_bad_fraction must be in [0, 1]");
  if (caption_length < 1) bad("caption_length must be >= 1");
  clip.validate();
}

DataLoader::DataLoader(std::shared_ptr<const ClipSource> source, std::vector<VideoLabel> labels, LoaderConfig config,
                       std::shared_ptr<const Vocabulary> vocabulary, std::shared_ptr<HostAllocator> allocator)
    : source_(std::move(source)),
      labels_(std::move(labels)),
      config_(config),
      vocabulary_(std::move(vocabulary)),
      allocator_(allocator ? std::move(allocator) : default_host_allocator()) {
  config_.validate();
  if (!source_) throw DataError("DataLoader: no clip source");
  if (source_->size() != static_cast<int64_t>(labels_.size()))
    throw DataError("DataLoader: " + std::to_string(labels_.size()) + " labels for " +
                    std::to_string(source_->size()) + " videos");
  if (labels_.empty()) throw DataError("DataLoader: the split is empty");
  for (int i = 0; i < config_.workers; ++i) threads_.emplace_back([this] { worker_loop(); });
}

DataLoader::~DataLoader() { stop(); }

int64_t DataLoader::batches_per_epoch() const {
  const int64_t n = dataset_size(), b = config_.batch_size;
  return config_.drop_last ? n / b : (n + b - 1) / b;
}

std::pair<int64_t, int64_t> DataLoader::rank_slice(int64_t index) const {
  const int64_t first = index * config_.batch_size;
  const int64_t m = std::min<int64_t>(config_.batch_size, dataset_size() - first);
  const int64_t w = config_.world_size, r = config_.rank;
  const int64_t lo = r * m / w, hi = (r + 1) * m / w;
  return {first + lo, hi - lo};
}

std::shared_ptr<const std::vector<int64_t>> DataLoader::order_of(int64_t epoch) const {
  std::lock_guard lock(order_mutex_);
  if (order_epoch_ != epoch || !order_) {
    std::vector<int64_t> order;
    if (config_.train) {
      order = shuffled_indices(dataset_size(), config_.seed, static_cast<uint64_t>(epoch));
    } else {
      order.resize(static_cast<size_t>(dataset_size()));
      for (int64_t i = 0; i < dataset_size(); ++i) order[static_cast<size_t>(i)] = i;
    }
    order_ = std::make_shared<const std::vector<int64_t>>(std::move(order));
    order_epoch_ = epoch;
  }
  return order_;
}

int64_t DataLoader::video_at(int64_t epoch, int64_t position) const {
  if (position < 0 || position >= dataset_size())
    throw DataError("DataLoader::video_at: position " + std::to_string(position) + " outside [0, " +
                    std::to_string(dataset_size()) + ")");
  return (*order_of(epoch))[static_cast<size_t>(position)];
}

Batch DataLoader::make_batch(int64_t epoch, int64_t index) const { return build(epoch, index, nullptr, 0); }

Batch DataLoader::build(int64_t epoch, int64_t index, const std::atomic<uint64_t>* generation,
                        uint64_t my_generation) const {
  if (index < 0 || index >= batches_per_epoch())
    throw DataError("DataLoader: batch " + std::to_string(index) + " outside [0, " +
                    std::to_string(batches_per_epoch()) + ")");
  const int64_t n = dataset_size();
  const auto [first, count] = rank_slice(index);
  const ClipSpec& spec = config_.clip;
  const auto order = order_of(epoch);

  Batch b;
  b.epoch = epoch;
  b.index = index;
  b.shape = {count, spec.frames, spec.crop_height, spec.crop_width, 3};
  b.pixel_type = spec.pixel_type;
  const size_t clip_bytes = spec.clip_elements() * spec.element_size();
  b.clips = HostBuffer(allocator_, clip_bytes * static_cast<size_t>(count));
  const int L = vocabulary_ ? config_.caption_length : 0;
  b.caption_length = L;
  b.caption_tokens.resize(static_cast<size_t>(count * L));
  b.simplified_tokens.resize(static_cast<size_t>(count * L));

  int64_t filled = 0;  // samples placed so far (fewer than count when bad videos are left out)
  for (int64_t s = 0; s < count; ++s) {
    if (generation && generation->load() != my_generation) throw Cancelled{};
    const int64_t global = first + s;  // position in the epoch's order
    // Try the scheduled video, then (when replacing) the next ones of the epoch's order.
    std::optional<DecodedVideo> video;
    int64_t idx = -1;
    const int64_t attempts = config_.replace_bad_videos ? n : 1;
    for (int64_t k = 0; k < attempts && !video; ++k) {
      idx = (*order)[static_cast<size_t>((global + k) % n)];
      {
        std::lock_guard lock(bad_mutex_);
        if (auto known = bad_.find(idx); known != bad_.end()) {
          if (!config_.replace_bad_videos) b.left_out.push_back(known->second.where);
          continue;
        }
      }
      try {
        video = source_->load(idx);
        if (video->frames < 1 || video->height != spec.height || video->width != spec.width)
          throw DataError(source_->describe(idx) + ": decoded " + std::to_string(video->frames) + " frames of " +
                          std::to_string(video->height) + "x" + std::to_string(video->width) + ", expected " +
                          std::to_string(spec.height) + "x" + std::to_string(spec.width));
      } catch (const DataError& e) {
        video.reset();
        size_t bad_count;
        {
          std::lock_guard lock(bad_mutex_);
          bad_.emplace(idx, BadVideo{idx, source_->describe(idx), e.what()});
          bad_count = bad_.size();
        }
        log_warning("bad video " + std::to_string(idx) +
                    (config_.replace_bad_videos ? " replaced by the next of the epoch's order: "
                                                : " left out of the evaluation: ") +
                    e.what());
        if (!config_.replace_bad_videos) b.left_out.push_back(source_->describe(idx));
        if (static_cast<double>(bad_count) > config_.max_bad_fraction * static_cast<double>(n))
          throw DataError(std::to_string(bad_count) + " bad videos of " + std::to_string(n) +
                          " exceed LoaderConfig.max_bad_fraction = " + std::to_string(config_.max_bad_fraction) +
                          "; last: " + e.what());
      }
      if (generation && generation->load() != my_generation) throw Cancelled{};
    }
    if (!video && !config_.replace_bad_videos) continue;
    if (!video) throw DataError("DataLoader: every video of the split is bad");
    if (idx != (*order)[static_cast<size_t>(global % n)]) ++b.replaced;
    const int64_t slot = filled++;

    const uint64_t seed = kernels::loader_seed(config_.seed, static_cast<uint64_t>(epoch), static_cast<uint64_t>(idx));
    const ClipPlacement place = place_clip(video->frames, spec, config_.train, seed);
    extract_clip(*video, spec, place, static_cast<uint8_t*>(b.clips.data()) + clip_bytes * static_cast<size_t>(slot));

    const VideoLabel& label = labels_[static_cast<size_t>(idx)];
    b.category.push_back(label.category);
    b.group.push_back(label.group);
    b.ids.push_back(label.id);
    b.video_indices.push_back(idx);
    if (vocabulary_) {
      vocabulary_->encode_into(label.caption, L, b.caption_tokens.data() + slot * L);
      vocabulary_->encode_into(label.simplified_caption, L, b.simplified_tokens.data() + slot * L);
    }
  }
  if (filled < count) {  // left-out videos: the batch holds the good ones only
    b.shape[0] = filled;
    b.caption_tokens.resize(static_cast<size_t>(filled * L));
    b.simplified_tokens.resize(static_cast<size_t>(filled * L));
  }
  return b;
}

void DataLoader::start_epoch(int64_t epoch, int64_t first_batch) {
  if (first_batch < 0 || first_batch > batches_per_epoch())
    throw DataError("DataLoader::start_epoch: first_batch " + std::to_string(first_batch) + " outside [0, " +
                    std::to_string(batches_per_epoch()) + "]");
  {
    std::lock_guard lock(mutex_);
    if (stopping_) throw DataError("DataLoader::start_epoch after stop()");
    ++generation_;
    slots_.clear();
    epoch_ = epoch;
    next_build_ = next_consume_ = first_batch;
    end_ = batches_per_epoch();
    active_ = true;
  }
  order_of(epoch);  // compute the order once, outside the workers
  cv_.notify_all();
}

std::optional<Batch> DataLoader::next() {
  std::unique_lock lock(mutex_);
  if (stopping_) throw DataError("DataLoader::next after stop()");
  if (!active_) throw DataError("DataLoader::next before start_epoch()");
  if (next_consume_ >= end_) return std::nullopt;
  const int64_t want = next_consume_;
  if (threads_.empty()) {  // synchronous mode
    ++next_consume_;
    const int64_t epoch = epoch_;
    lock.unlock();
    return make_batch(epoch, want);
  }
  cv_.wait(lock, [&] { return stopping_ || slots_.count(want) > 0; });
  if (stopping_) throw DataError("DataLoader::next: stopped while waiting");
  Slot slot = std::move(slots_[want]);
  slots_.erase(want);
  ++next_consume_;
  lock.unlock();
  cv_.notify_all();  // a queue place is free
  if (slot.error) std::rethrow_exception(slot.error);
  return std::move(slot.batch);
}

void DataLoader::worker_loop() {
  for (;;) {
    int64_t epoch, index;
    uint64_t generation;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] {
        return stopping_ ||
               (active_ && next_build_ < end_ && next_build_ < next_consume_ + config_.prefetch_batches);
      });
      if (stopping_) return;
      epoch = epoch_;
      index = next_build_++;
      generation = generation_.load();
    }
    Slot slot;
    try {
      slot.batch = build(epoch, index, &generation_, generation);
    } catch (const Cancelled&) {
      continue;
    } catch (...) {
      slot.error = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      if (generation_.load() != generation || stopping_) continue;
      slots_[index] = std::move(slot);
    }
    cv_.notify_all();
  }
}

void DataLoader::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && threads_.empty()) return;
    stopping_ = true;
    ++generation_;  // cancels batches in flight at their next sample
  }
  cv_.notify_all();
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  std::lock_guard lock(mutex_);
  slots_.clear();
}

std::vector<BadVideo> DataLoader::bad_videos() const {
  std::lock_guard lock(bad_mutex_);
  std::vector<BadVideo> out;
  for (const auto& [i, b] : bad_) out.push_back(b);
  return out;
}

}  // namespace grain::data
