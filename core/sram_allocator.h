#pragma once
// A core's private SRAM, handed out by name: first fit over a free list kept sorted by offset, with
// neighbouring free blocks merged on release.
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

namespace tessera {

// The plan asked for more SRAM than a core has free. The message names the core, the buffer, the bytes
// requested, the bytes free (and the largest free block, which is smaller when the SRAM is fragmented) and
// the capacity.
class SramExhausted : public std::runtime_error {
 public:
  explicit SramExhausted(const std::string& message) : std::runtime_error(message) {}
};

class SramAllocator {
 public:
  // Sizes are rounded up to `alignment` bytes (L1 reads and writes are 16 B wide).
  SramAllocator(uint64_t capacity_bytes, std::string core_name, uint64_t alignment = 16);

  // Reserves `bytes` for buffer `what` and returns its offset. Throws SramExhausted when no free block is
  // large enough and std::logic_error when `what` is already allocated.
  uint64_t allocate(const std::string& what, uint64_t bytes);
  // Frees buffer `what`; std::logic_error when it is not allocated.
  void release(const std::string& what);

  bool holds(const std::string& what) const { return allocations_.count(what) != 0; }
  uint64_t used() const { return used_; }
  uint64_t peak() const { return peak_; }
  uint64_t free_bytes() const { return capacity_ - used_; }
  uint64_t largest_free_block() const;
  uint64_t capacity() const { return capacity_; }
  const std::string& core_name() const { return core_name_; }

 private:
  struct Block {
    uint64_t offset;
    uint64_t bytes;
  };

  uint64_t capacity_;
  std::string core_name_;
  uint64_t alignment_;
  std::map<uint64_t, uint64_t> free_blocks_;  // offset -> bytes, sorted by offset
  std::map<std::string, Block> allocations_;
  uint64_t used_ = 0;
  uint64_t peak_ = 0;
};

}  // namespace tessera
