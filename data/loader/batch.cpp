// HostBuffer and the default aligned allocator.
#include "data/loader/batch.h"

#include <new>

namespace grain::data {
namespace {

class AlignedAllocator final : public HostAllocator {
 public:
  void* allocate(size_t bytes) override { return ::operator new(bytes, std::align_val_t{64}); }
  void deallocate(void* p, size_t) noexcept override { ::operator delete(p, std::align_val_t{64}); }
};

}  // namespace

std::shared_ptr<HostAllocator> default_host_allocator() {
  static const auto allocator = std::make_shared<AlignedAllocator>();
  return allocator;
}

HostBuffer::HostBuffer(std::shared_ptr<HostAllocator> allocator, size_t bytes)
    : allocator_(std::move(allocator)), bytes_(bytes) {
  data_ = allocator_->allocate(bytes == 0 ? 1 : bytes);
}

HostBuffer::~HostBuffer() { release(); }

HostBuffer::HostBuffer(HostBuffer&& other) noexcept
    : allocator_(std::move(other.allocator_)), data_(other.data_), bytes_(other.bytes_) {
  other.data_ = nullptr;
  other.bytes_ = 0;
}

HostBuffer& HostBuffer::operator=(HostBuffer&& other) noexcept {
  if (this != &other) {
    release();
    allocator_ = std::move(other.allocator_);
    data_ = other.data_;
    bytes_ = other.bytes_;
    other.data_ = nullptr;
    other.bytes_ = 0;
  }
  return *this;
}

void HostBuffer::release() noexcept {
  if (data_ && allocator_) allocator_->deallocate(data_, bytes_ == 0 ? 1 : bytes_);
  data_ = nullptr;
  bytes_ = 0;
}

}  // namespace grain::data
