// TFRecord framing, hand-encoded Event protobufs, and the event file writer.
#include "data/formats/tensorboard_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "data/common/error.h"
#include "data/formats/crc32c.h"

namespace grain::formats {

using grain::data::DataError;

namespace {

// Protobuf wire types.
constexpr uint32_t kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5;

void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void put_tag(std::string& out, uint32_t field, uint32_t wire_type) { put_varint(out, (field << 3) | wire_type); }

void put_fixed(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void put_bytes_field(std::string& out, uint32_t field, std::string_view bytes) {
  put_tag(out, field, kLengthDelimited);
  put_varint(out, bytes.size());
  out.append(bytes);
}

// Event fields 1 (wall_time) and 2 (step), omitted at zero as proto3 does.
std::string event_prefix(double wall_time, int64_t step) {
  std::string out;
  if (wall_time != 0.0) {
    uint64_t bits;
    std::memcpy(&bits, &wall_time, sizeof bits);
    put_tag(out, 1, kFixed64);
    put_fixed(out, bits, 8);
  }
  if (step != 0) {
    put_tag(out, 2, kVarint);
    put_varint(out, static_cast<uint64_t>(step));  // negative: 10-byte two's complement
  }
  return out;
}

uint64_t read_le(std::string_view bytes, size_t at, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= uint64_t(static_cast<uint8_t>(bytes[at + i])) << (8 * i);
  return v;
}

}  // namespace

std::string encode_tfrecord(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 16);
  put_fixed(out, data.size(), 8);
  put_fixed(out, masked_crc32c(std::string_view(out.data(), 8)), 4);
  out.append(data);
  put_fixed(out, masked_crc32c(data), 4);
  return out;
}

std::vector<std::string> decode_tfrecords(std::string_view bytes, const std::string& source) {
  std::vector<std::string> records;
  size_t at = 0;
  while (at < bytes.size()) {
    const std::string where = source + ": record " + std::to_string(records.size()) + " at byte " + std::to_string(at);
    if (bytes.size() - at < 12) throw DataError(where + ": truncated length field");
    const uint64_t length = read_le(bytes, at, 8);
    if (read_le(bytes, at + 8, 4) != masked_crc32c(bytes.substr(at, 8)))
      throw DataError(where + ": CRC of the length does not match");
    if (length > bytes.size() - at - 12 || bytes.size() - at - 12 - length < 4)
      throw DataError(where + ": truncated: length " + std::to_string(length) + " runs past the end of the file");
    const std::string_view data = bytes.substr(at + 12, length);
    if (read_le(bytes, at + 12 + length, 4) != masked_crc32c(data))
      throw DataError(where + ": CRC of the data does not match");
    records.emplace_back(data);
    at += 16 + length;
  }
  return records;
}

std::string encode_file_version_event(double wall_time) {
  std::string out = event_prefix(wall_time, 0);
  put_bytes_field(out, 3, "brain.Event:2");
  return out;
}

std::string encode_scalar_event(double wall_time, int64_t step, std::string_view tag, float value) {
  std::string summary_value;
  put_bytes_field(summary_value, 1, tag);
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  put_tag(summary_value, 2, kFixed32);
  put_fixed(summary_value, bits, 4);

  std::string summary;
  put_bytes_field(summary, 1, summary_value);

  std::string out = event_prefix(wall_time, step);
  put_bytes_field(out, 5, summary);
  return out;
}

double wall_time_now() {
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  return std::chrono::duration<double>(now).count();
}

TensorBoardWriter::TensorBoardWriter(const std::filesystem::path& log_dir) {
  std::error_code ec;
  std::filesystem::create_directories(log_dir, ec);
  if (ec) throw DataError(log_dir.string() + ": cannot create log folder: " + ec.message());
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0 || host[0] == '\0') std::strcpy(host, "localhost");
  const double now = wall_time_now();
  const std::string base = "events.out.tfevents." + std::to_string(static_cast<int64_t>(now)) + "." + host;
  // O_EXCL: two writers started in the same second never share a file.
  for (int n = 0; fd_ < 0; ++n) {
    path_ = log_dir / (n == 0 ? base : base + "." + std::to_string(n));
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
    if (fd_ < 0 && (errno != EEXIST || n >= 1000))
      throw DataError(path_.string() + ": cannot create event file: " + std::strerror(errno));
  }
  write_record(encode_file_version_event(now));
}

TensorBoardWriter::~TensorBoardWriter() {
  if (fd_ >= 0) ::close(fd_);
}

void TensorBoardWriter::add_scalar(std::string_view tag, float value, int64_t step, double wall_time) {
  write_record(encode_scalar_event(wall_time, step, tag, value));
}

void TensorBoardWriter::flush() {
  if (::fsync(fd_) != 0) throw DataError(path_.string() + ": fsync failed: " + std::strerror(errno));
}

void TensorBoardWriter::write_record(std::string_view data) {
  const std::string record = encode_tfrecord(data);
  size_t done = 0;
  while (done < record.size()) {
    const ssize_t n = ::write(fd_, record.data() + done, record.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw DataError(path_.string() + ": write failed: " + std::strerror(errno));
    }
    done += static_cast<size_t>(n);
  }
}

}  // namespace grain::formats
