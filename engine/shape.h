// defines: grain::Shape, numel, shape_str, operator<< for shapes, normalize_dim
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace grain {

using Shape = std::vector<int64_t>;

int64_t numel(const Shape& shape);
std::string shape_str(const Shape& shape);  // "[2,3,8,8]"
// Strides of a contiguous row-major tensor of this shape.
std::vector<int64_t> contiguous_strides(const Shape& shape);
// Maps a possibly negative dim into [0, rank); throws naming the op otherwise.
int normalize_dim(int64_t dim, size_t rank, const char* op);

inline std::ostream& operator<<(std::ostream& os, const Shape& shape) { return os << shape_str(shape); }

}  // namespace grain
