// DataLoader: reproducible, prefetching batches of preprocessed clips.
// Design:
//  - Order: epoch e visits the split in shuffled_indices(n, seed, e) (training)
//    or file order (evaluation).
//  - Data-parallel sharding: batch_size is the GLOBAL batch. Global batch b of
//    an epoch is positions [bB, bB + m) of the epoch's order (m = B, or what
//    is left for the last batch without drop_last); rank r of W takes the
//    contiguous slice [floor(r m / W), floor((r + 1) m / W)) of it. So the
//    ranks' batches, in rank order, are exactly the batch one process builds
//    (same videos, same windows and crops), every rank has the same number of
//    batches per epoch at any W, and a run keeps its step <-> data mapping
//    when resumed with another process count. A slice may be empty (m < W).
//  - Randomness of a sample (window, crop) comes from kernels::loader_seed(seed, e,
//    video index) only, so batch (e, b) is a pure function of (seed, e, b) and
//    make_batch() rebuilds it exactly on any thread (exact resume).
//  - A bad video (DataError from the source) is replaced by the next video of
//    the epoch's order (training), or left out of its batch and named in
//    Batch::left_out (evaluation: replace_bad_videos = false, so no video is
//    ever scored under another's id); either way it is logged and counted,
//    and more distinct bad videos than max_bad_fraction x n is a DataError.
//  - Worker threads build whole batches ahead, at most prefetch_batches past
//    the consumer (the bounded queue); next() returns them in order and
//    rethrows a worker's exception in place of its batch, so errors surface
//    and nothing hangs. stop() (and the destructor) cancels work in flight
//    between samples and joins the threads.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "data/loader/batch.h"
#include "data/loader/clip_source.h"
#include "data/loader/preprocess.h"
#include "data/ssv2/annotations.h"
#include "data/ssv2/vocabulary.h"

namespace grain::data {

struct LoaderConfig {
  int batch_size = 16;            // N
  ClipSpec clip;                  // T, resize, crop, fps, pixel scale and type
  bool train = true;              // shuffled order + random window/crop; false: file order, centred
  uint64_t seed = 0;
  int rank = 0, world_size = 1;   // data-parallel sharding: this rank's slice of every global batch
  bool drop_last = true;          // drop the last incomplete global batch
  int workers = 2;                // threads building batches (0: next() builds on the caller's thread)
  int prefetch_batches = 4;       // queue bound: batches built ahead of the consumer
  double max_bad_fraction = 0.01; // fail when more than this fraction of the split's videos is bad
  bool replace_bad_videos = true; // false: a bad video is left out of its batch (evaluation)
  int caption_length = 14;        // L, including the end token

  void validate() const;          // DataError naming the field
};

struct BadVideo {
  int64_t index = -1;
  std::string where;   // file or shard record
  std::string error;
};

class DataLoader {
 public:
  // labels[i] describes source video i (labels.size() == source->size()).
  // vocabulary may be null (no caption tokens); allocator null = default_host_allocator().
  DataLoader(std::shared_ptr<const ClipSource> source, std::vector<VideoLabel> labels, LoaderConfig config,
             std::shared_ptr<const Vocabulary> vocabulary = nullptr,
             std::shared_ptr<HostAllocator> allocator = nullptr);
  ~DataLoader();
  DataLoader(const DataLoader&) = delete;
  DataLoader& operator=(const DataLoader&) = delete;

  int64_t dataset_size() const { return static_cast<int64_t>(labels_.size()); }
  int64_t batches_per_epoch() const;  // global batches: n / B (drop_last) or ceil(n / B); any world size
  // This rank's slice of global batch `index`: {first epoch position, count}.
  std::pair<int64_t, int64_t> rank_slice(int64_t index) const;

  // Starts prefetching epoch `epoch` from batch `first_batch` (0 = the start;
  // a later batch resumes mid-epoch). Work for an earlier epoch is cancelled.
  void start_epoch(int64_t epoch, int64_t first_batch = 0);
  // The next batch of the current epoch; nullopt after the last one. Rethrows
  // the exception of a failed batch (e.g. too many bad videos).
  std::optional<Batch> next();
  // Batch `index` of `epoch`, built on the calling thread; equal to what next() gives.
  Batch make_batch(int64_t epoch, int64_t index) const;
  // Split index of the video at position j of an epoch's order (before replacement).
  int64_t video_at(int64_t epoch, int64_t position) const;

  // Cancels and joins the workers; next() afterwards throws. Idempotent.
  void stop();
  std::vector<BadVideo> bad_videos() const;

 private:
  struct Slot {
    std::optional<Batch> batch;
    std::exception_ptr error;
  };
  struct Cancelled {};

  Batch build(int64_t epoch, int64_t index, const std::atomic<uint64_t>* generation, uint64_t my_generation) const;
  std::shared_ptr<const std::vector<int64_t>> order_of(int64_t epoch) const;
  void worker_loop();

  std::shared_ptr<const ClipSource> source_;
  std::vector<VideoLabel> labels_;
  LoaderConfig config_;
  std::shared_ptr<const Vocabulary> vocabulary_;
  std::shared_ptr<HostAllocator> allocator_;

  mutable std::mutex order_mutex_;
  mutable int64_t order_epoch_ = -1;
  mutable std::shared_ptr<const std::vector<int64_t>> order_;

  mutable std::mutex bad_mutex_;
  mutable std::map<int64_t, BadVideo> bad_;  // known bad videos (skipped without decoding again)

  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::thread> threads_;
  std::map<int64_t, Slot> slots_;
  std::atomic<uint64_t> generation_{0};
  int64_t epoch_ = 0, next_build_ = 0, next_consume_ = 0, end_ = 0;
  bool active_ = false, stopping_ = false;
};

}  // namespace grain::data
