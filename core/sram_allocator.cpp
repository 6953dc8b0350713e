#include "core/sram_allocator.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace tessera {

SramAllocator::SramAllocator(uint64_t capacity_bytes, std::string core_name, uint64_t alignment)
    : capacity_(capacity_bytes), core_name_(std::move(core_name)), alignment_(std::max<uint64_t>(alignment, 1)) {
  if (capacity_ > 0) free_blocks_[0] = capacity_;
}

uint64_t SramAllocator::largest_free_block() const {
  uint64_t largest = 0;
  for (const auto& [offset, bytes] : free_blocks_) largest = std::max(largest, bytes);
  return largest;
}

uint64_t SramAllocator::allocate(const std::string& what, uint64_t bytes) {
  if (holds(what))
    throw std::logic_error("core " + core_name_ + ": SRAM buffer '" + what + "' is already allocated");
  const uint64_t size = (std::max<uint64_t>(bytes, 1) + alignment_ - 1) / alignment_ * alignment_;
  auto fit = std::find_if(free_blocks_.begin(), free_blocks_.end(),
                          [size](const auto& block) { return block.second >= size; });
  if (fit == free_blocks_.end()) {
    throw SramExhausted("core " + core_name_ + ": SRAM exhausted allocating '" + what + "': requested " +
                        std::to_string(bytes) + " bytes, " + std::to_string(free_bytes()) +
                        " bytes free (largest free block " + std::to_string(largest_free_block()) +
                        " bytes) of " + std::to_string(capacity_) + " bytes capacity");
  }
  const uint64_t offset = fit->first;
  const uint64_t remaining = fit->second - size;
  free_blocks_.erase(fit);
  if (remaining > 0) free_blocks_[offset + size] = remaining;
  allocations_[what] = Block{offset, size};
  used_ += size;
  peak_ = std::max(peak_, used_);
  return offset;
}

void SramAllocator::release(const std::string& what) {
  auto found = allocations_.find(what);
  if (found == allocations_.end())
    throw std::logic_error("core " + core_name_ + ": releasing SRAM buffer '" + what + "' that is not allocated");
  Block block = found->second;
  allocations_.erase(found);
  used_ -= block.bytes;

  auto next = free_blocks_.lower_bound(block.offset);
  if (next != free_blocks_.begin()) {
    auto previous = std::prev(next);
    if (previous->first + previous->second == block.offset) {  // merge with the block before
      block.offset = previous->first;
      block.bytes += previous->second;
      free_blocks_.erase(previous);
    }
  }
  if (next != free_blocks_.end() && block.offset + block.bytes == next->first) {  // and the block after
    block.bytes += next->second;
    free_blocks_.erase(next);
  }
  free_blocks_[block.offset] = block.bytes;
}

}  // namespace tessera
