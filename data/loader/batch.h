// Batch: the handover from the data pipeline to the trainer.
// Design: a plain contiguous buffer with its shape, no engine types, so the
// data libraries do not depend on the engine. The buffer comes from a
// HostAllocator supplied by the caller; the CUDA backend can plug in a pinned
// (page-locked) allocator so the copy to the device is asynchronous.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "data/loader/preprocess.h"
#include "data/ssv2/label_view.h"

namespace grain::data {

class HostAllocator {
 public:
  virtual ~HostAllocator() = default;
  virtual void* allocate(size_t bytes) = 0;                  // throws std::bad_alloc on failure
  virtual void deallocate(void* p, size_t bytes) noexcept = 0;
};

// 64-byte aligned operator new / delete.
std::shared_ptr<HostAllocator> default_host_allocator();

// Move-only owner of `bytes` bytes from an allocator.
class HostBuffer {
 public:
  HostBuffer() = default;
  HostBuffer(std::shared_ptr<HostAllocator> allocator, size_t bytes);
  ~HostBuffer();
  HostBuffer(HostBuffer&& other) noexcept;
  HostBuffer& operator=(HostBuffer&& other) noexcept;
  HostBuffer(const HostBuffer&) = delete;
  HostBuffer& operator=(const HostBuffer&) = delete;
  void* data() { return data_; }
  const void* data() const { return data_; }
  size_t bytes() const { return bytes_; }

 private:
  void release() noexcept;
  std::shared_ptr<HostAllocator> allocator_;
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

struct Batch {
  int64_t epoch = 0, index = 0;
  std::array<int64_t, 5> shape{};  // (N, T, H, W, C), channels-last; H, W = the crop size, C = 3
  PixelType pixel_type = PixelType::kFloat32;
  HostBuffer clips;                // N*T*H*W*C elements of pixel_type, contiguous
  std::vector<int32_t> category;   // (N) fine-grained class, -1 when unlabelled
  std::vector<int32_t> group;      // (N) coarse class (action group), -1 when none
  int caption_length = 0;          // L (0 when the loader has no vocabulary)
  std::vector<int32_t> caption_tokens;     // (N, L) full caption: words, end, pad
  std::vector<int32_t> simplified_tokens;  // (N, L) simplified-object caption
  std::vector<std::string> ids;            // (N) video ids actually used
  std::vector<int64_t> video_indices;      // (N) split indices actually used (after replacement)
  int replaced = 0;                        // samples whose video was bad and replaced
  std::vector<std::string> left_out;       // bad videos left out of this batch (file or record), when not replacing

  int64_t size() const { return shape[0]; }
  // The labels of a view (data/ssv2/label_view.h decides which a task uses).
  const std::vector<int32_t>& classes(ClassView view) const { return view == ClassView::kGroup ? group : category; }
  const std::vector<int32_t>& tokens(CaptionView view) const {
    return view == CaptionView::kSimplified ? simplified_tokens : caption_tokens;
  }
  const uint8_t* uint8_data() const { return static_cast<const uint8_t*>(clips.data()); }
  const float* float_data() const { return static_cast<const float*>(clips.data()); }
};

}  // namespace grain::data
