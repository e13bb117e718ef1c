// TensorBoard event files (events.out.tfevents.<time>.<host>) with scalar
// summaries, so `tensorboard --logdir RUN` shows the training curves.
// A file is a sequence of TFRecords:
//   uint64 length (LE) | uint32 masked_crc32c(length bytes) | data | uint32 masked_crc32c(data)
// where each data is a serialised tensorflow.Event protobuf. The first is
// Event{wall_time, file_version: "brain.Event:2"}; a scalar is
//   Event{wall_time (1, double), step (2, int64), summary (5) {value (1) {tag (1), simple_value (2, float)}}}.
// Design: the few protobuf fields are encoded by hand (no protobuf
// dependency), in the byte-exact form the reference Python writer produces
// (proto3: zero wall_time/step omitted; simple_value, a oneof member, always
// written). Each record goes to the file with one write(2), so TensorBoard
// sees the curve while the run goes on and a crash loses nothing written.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace grain::formats {

// Frames data as one TFRecord (length, masked CRC of the length, data,
// masked CRC of the data).
std::string encode_tfrecord(std::string_view data);

// Splits a whole file into its records' data, checking every length and CRC;
// throws DataError naming `source`, the record index and its byte offset
// for a truncated record or a CRC mismatch.
std::vector<std::string> decode_tfrecords(std::string_view file_bytes, const std::string& source);

// Serialised Event{wall_time, file_version: "brain.Event:2"}.
std::string encode_file_version_event(double wall_time);

// Serialised Event{wall_time, step, summary{value{tag, simple_value}}}.
std::string encode_scalar_event(double wall_time, int64_t step, std::string_view tag, float value);

// Seconds since the Unix epoch, with sub-second precision (Event.wall_time).
double wall_time_now();

// Appends scalar events to a new event file in a log folder.
class TensorBoardWriter {
 public:
  // Creates log_dir (if needed) and log_dir/events.out.tfevents.<unix
  // seconds>.<hostname> (".<n>" appended if that name exists), and writes the
  // file_version record. Throws DataError naming the path on failure.
  explicit TensorBoardWriter(const std::filesystem::path& log_dir);
  ~TensorBoardWriter();
  TensorBoardWriter(const TensorBoardWriter&) = delete;
  TensorBoardWriter& operator=(const TensorBoardWriter&) = delete;

  // One scalar point of the curve `tag` (e.g. "train/loss") at `step`.
  void add_scalar(std::string_view tag, float value, int64_t step, double wall_time = wall_time_now());

  // fsyncs the file (records are already written through to the OS).
  void flush();

  const std::filesystem::path& path() const { return path_; }

 private:
  void write_record(std::string_view data);

  std::filesystem::path path_;
  int fd_ = -1;
};

}  // namespace grain::formats
