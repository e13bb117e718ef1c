// defines: MetricsLog (see metrics_log.h)
#include "train/metrics_log.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <optional>
#include <string_view>

#include "data/common/file_io.h"
#include "engine/error.h"

namespace grain {

namespace fs = std::filesystem;

namespace {

constexpr char kEventFilePrefix[] = "events.out.tfevents.";

// What the cut needs of a serialised tensorflow.Event: its step (field 2,
// a varint; proto3 leaves a zero out) and whether it holds a summary (field
// 5, the scalar points; the file_version record has none). Nullopt when the
// bytes are not a protobuf message.
struct EventFields {
  int64_t step = 0;
  bool summary = false;
};

std::optional<uint64_t> read_varint(std::string_view bytes, size_t& at) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64 && at < bytes.size(); shift += 7) {
    const auto byte = static_cast<uint8_t>(bytes[at++]);
    value |= uint64_t(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return value;
  }
  return std::nullopt;
}

std::optional<EventFields> event_fields(std::string_view event) {
  EventFields fields;
  size_t at = 0;
  while (at < event.size()) {
    const std::optional<uint64_t> key = read_varint(event, at);
    if (!key) return std::nullopt;
    const uint64_t field = *key >> 3, wire_type = *key & 7;
    if (wire_type == 0) {  // varint
      const std::optional<uint64_t> value = read_varint(event, at);
      if (!value) return std::nullopt;
      if (field == 2) fields.step = static_cast<int64_t>(*value);
    } else if (wire_type == 1 || wire_type == 5) {  // fixed64, fixed32
      const size_t size = wire_type == 1 ? 8 : 4;
      if (event.size() - at < size) return std::nullopt;
      at += size;
    } else if (wire_type == 2) {  // length-delimited
      const std::optional<uint64_t> size = read_varint(event, at);
      if (!size || *size > event.size() - at) return std::nullopt;
      at += static_cast<size_t>(*size);
      if (field == 5) fields.summary = true;
    } else {
      return std::nullopt;
    }
  }
  return fields;
}

uint64_t read_le64(std::string_view bytes, size_t at) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(static_cast<uint8_t>(bytes[at + i])) << (8 * i);
  return v;
}

}  // namespace

MetricsLog::MetricsLog(const fs::path& run_dir, int64_t start_step)
    : jsonl_path_(run_dir / "metrics.jsonl"), tensorboard_dir_(run_dir / "tensorboard") {
  cut_jsonl(start_step);
  cut_tensorboard(start_step);
  jsonl_.open(jsonl_path_, std::ios::app);
  GRAIN_CHECK(jsonl_, "trainer: cannot append to " << jsonl_path_.string());
}

void MetricsLog::cut_jsonl(int64_t step) {
  if (!fs::exists(jsonl_path_)) return;
  const std::string text = data::read_text_file(jsonl_path_);
  std::string kept;
  int64_t removed = 0;
  bool dropped_last = false;
  size_t begin = 0;
  for (int64_t number = 1; begin < text.size(); ++number) {
    const size_t newline = text.find('\n', begin);
    const size_t end = newline == std::string::npos ? text.size() : newline;
    const std::string_view line(text.data() + begin, end - begin);
    begin = end + 1;
    if (line.empty()) continue;
    const nlohmann::json row = nlohmann::json::parse(line, nullptr, false);
    const bool valid = row.is_object() && row.contains("split") && row["split"].is_string() &&
                       row.contains("step") && row["step"].is_number_integer();
    if (!valid) {
      // A kill while a row was being written leaves it cut short, as the last line.
      GRAIN_CHECK(text.find_first_not_of('\n', begin) == std::string::npos,
                  "trainer: " << jsonl_path_.string() << " line " << number
                              << " is not a metrics row (a JSON object with \"split\" and \"step\"): '"
                              << line.substr(0, 80) << (line.size() > 80 ? "...'" : "'")
                              << "; only the last line can be cut short by a kill, so the log is damaged: repair "
                                 "or remove that line, then resume");
      dropped_last = true;
      continue;
    }
    if (row["step"].get<int64_t>() > step) {
      ++removed;
      continue;
    }
    rows_.insert({row["split"].get<std::string>(), row["step"].get<int64_t>()});
    kept.append(line);
    kept += '\n';
  }
  if (kept == text) return;
  data::write_file_atomic(jsonl_path_, kept);
  if (removed > 0)
    changes_.push_back("metrics.jsonl: removed " + std::to_string(removed) + " rows of steps after " +
                       std::to_string(step) + " (logged after the " +
                       (step > 0 ? "checkpoint" : "start of an earlier attempt") + "; they are logged again)");
  if (dropped_last) changes_.push_back("metrics.jsonl: dropped its last line, cut short (a kill while writing it)");
}

void MetricsLog::cut_tensorboard(int64_t step) {
  if (!fs::is_directory(tensorboard_dir_)) return;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(tensorboard_dir_)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.rfind(kEventFilePrefix, 0) == 0 && entry.path().extension() != ".tmp")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  int64_t removed = 0, truncated = 0;
  for (const fs::path& file : files) {
    const std::string bytes = data::read_text_file(file);
    std::string kept;
    bool has_point = false;
    size_t at = 0;
    while (at < bytes.size()) {
      // A record: uint64 length | uint32 CRC | data | uint32 CRC (data/formats/tensorboard_writer.h).
      if (bytes.size() - at < 16 || read_le64(bytes, at) > bytes.size() - at - 16) {
        ++truncated;  // the last record, cut short by a kill
        break;
      }
      const size_t length = static_cast<size_t>(read_le64(bytes, at));
      const std::string_view record(bytes.data() + at, 16 + length), data = record.substr(12, length);
      const std::optional<EventFields> event = event_fields(data);
      GRAIN_CHECK(formats::encode_tfrecord(data) == record && event,
                  "trainer: " << file.string() << ": the record at byte " << at
                              << " is damaged (CRC mismatch or not an Event); remove the file to resume");
      at += record.size();
      if (event->summary && event->step > step) {
        ++removed;
        continue;
      }
      has_point = has_point || event->summary;
      kept.append(record);
    }
    if (kept.size() == bytes.size()) continue;
    if (has_point) {
      data::write_file_atomic(file, kept);
    } else {
      fs::remove(file);
    }
  }
  if (removed > 0)
    changes_.push_back("tensorboard: removed " + std::to_string(removed) + " points of steps after " +
                       std::to_string(step));
  if (truncated > 0) changes_.push_back("tensorboard: dropped a last record cut short (a kill while writing it)");
}

bool MetricsLog::has_row(const std::string& split, int64_t step) const { return rows_.count({split, step}) > 0; }

void MetricsLog::write(const std::string& split, int64_t step, int64_t epoch,
                       const std::map<std::string, double>& values) {
  if (!tensorboard_) tensorboard_ = std::make_unique<formats::TensorBoardWriter>(tensorboard_dir_);
  nlohmann::json line{{"split", split}, {"step", step}, {"epoch", epoch}, {"wall_time", formats::wall_time_now()}};
  for (const auto& [k, v] : values) {
    line[k] = std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
    tensorboard_->add_scalar(split + "/" + k, static_cast<float>(v), step);
  }
  jsonl_ << line.dump() << "\n";
  jsonl_.flush();
  GRAIN_CHECK(jsonl_, "trainer: writing " << jsonl_path_.string() << " failed");
  rows_.insert({split, step});
  tensorboard_->flush();
}

}  // namespace grain
