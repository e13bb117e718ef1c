// Shard index (de)serialisation with field-by-field validation.
#include "data/loader/shard_format.h"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "data/common/json_read.h"

namespace grain::data {

using nlohmann::json;

std::string shard_file_name(int shard) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "shard-%05d.bin", shard);
  return buf;
}
std::string shard_part_name(int shard) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "shard-%05d.json", shard);
  return buf;
}
const char* encoding_name(ShardEncoding e) { return e == ShardEncoding::kRaw ? "raw" : "jpeg"; }

void ShardIndex::save(const std::filesystem::path& dir) const {
  json j;
  j["format"] = "grain-shards";
  j["version"] = 1;
  j["split"] = split;
  j["fps"] = fps;
  j["height"] = height;
  j["width"] = width;
  j["encoding"] = encoding_name(encoding);
  j["jpeg_quality"] = jpeg_quality;
  j["videos_per_shard"] = videos_per_shard;
  j["shards"] = json::array();
  for (const auto& s : shards) j["shards"].push_back({{"file", s.file}, {"bytes", s.bytes}});
  j["videos"] = json::array();
  for (const auto& v : videos) {
    if (v.shard < 0)
      j["videos"].push_back({{"id", v.id}, {"error", v.error}});
    else
      j["videos"].push_back(
          {{"id", v.id}, {"shard", v.shard}, {"offset", v.offset}, {"bytes", v.bytes}, {"frames", v.frames}});
  }
  write_file_atomic(dir / "index.json", j.dump() + "\n");
}

namespace {
ShardIndex load_checked(const std::filesystem::path& dir);
}

ShardIndex ShardIndex::load(const std::filesystem::path& dir) {
  try {
    return load_checked(dir);
  } catch (const json::exception& e) {  // a safety net: accesses are type-checked first
    throw DataError((dir / "index.json").string() + ": unexpected JSON: " + e.what());
  }
}

namespace {
ShardIndex load_checked(const std::filesystem::path& dir) {
  const std::string name = (dir / "index.json").string();
  const json j = parse_json(read_text_file(dir / "index.json"), name);
  auto need = [&](const json& obj, const char* key, const std::string& where) -> const json& {
    if (!obj.is_object() || !obj.contains(key)) throw DataError(name + ": " + where + "missing field \"" + key + "\"");
    return obj[key];
  };
  auto integer = [&](const json& obj, const char* key, const std::string& where, int64_t lo) {
    const json& v = need(obj, key, where);
    if (!v.is_number_integer() || v.get<int64_t>() < lo)
      throw DataError(name + ": " + where + "field \"" + key + "\" must be an integer >= " + std::to_string(lo));
    return v.get<int64_t>();
  };
  if (need(j, "format", "") != "grain-shards") throw DataError(name + ": field \"format\" must be \"grain-shards\"");
  if (integer(j, "version", "", 0) != 1) throw DataError(name + ": unsupported \"version\"");
  ShardIndex x;
  x.split = need(j, "split", "").is_string() ? j["split"].get<std::string>() : "";
  if (!need(j, "fps", "").is_number() || !(j["fps"].get<double>() > 0))
    throw DataError(name + ": field \"fps\" must be a positive number");
  x.fps = j["fps"].get<double>();
  x.height = static_cast<int>(integer(j, "height", "", 1));
  x.width = static_cast<int>(integer(j, "width", "", 1));
  const json& enc = need(j, "encoding", "");
  if (enc == "raw") x.encoding = ShardEncoding::kRaw;
  else if (enc == "jpeg") x.encoding = ShardEncoding::kJpeg;
  else throw DataError(name + ": field \"encoding\" must be \"raw\" or \"jpeg\"");
  x.jpeg_quality = static_cast<int>(integer(j, "jpeg_quality", "", 1));
  x.videos_per_shard = static_cast<int>(integer(j, "videos_per_shard", "", 1));
  const json& shards = need(j, "shards", "");
  if (!shards.is_array()) throw DataError(name + ": field \"shards\" must be an array");
  for (size_t i = 0; i < shards.size(); ++i) {
    const std::string where = "shards[" + std::to_string(i) + "]: ";
    ShardFile f;
    const json& file = need(shards[i], "file", where);
    if (!file.is_string() || file.get<std::string>().find('/') != std::string::npos)
      throw DataError(name + ": " + where + "field \"file\" must be a file name");
    f.file = file.get<std::string>();
    f.bytes = static_cast<uint64_t>(integer(shards[i], "bytes", where, 64));
    x.shards.push_back(f);
  }
  const json& videos = need(j, "videos", "");
  if (!videos.is_array()) throw DataError(name + ": field \"videos\" must be an array");
  for (size_t i = 0; i < videos.size(); ++i) {
    const std::string where = "videos[" + std::to_string(i) + "]: ";
    ShardVideo v;
    const json& id = need(videos[i], "id", where);
    if (!id.is_string()) throw DataError(name + ": " + where + "field \"id\" must be a string");
    v.id = id.get<std::string>();
    if (videos[i].contains("error")) {
      v.error = videos[i]["error"].is_string() ? videos[i]["error"].get<std::string>() : "failed";
    } else {
      v.shard = static_cast<int>(integer(videos[i], "shard", where, 0));
      v.offset = static_cast<uint64_t>(integer(videos[i], "offset", where, 64));
      v.bytes = static_cast<uint64_t>(integer(videos[i], "bytes", where, 1));
      v.frames = static_cast<int>(integer(videos[i], "frames", where, 1));
      if (v.shard >= static_cast<int>(x.shards.size()))
        throw DataError(name + ": " + where + "shard " + std::to_string(v.shard) + " does not exist");
      const uint64_t size = x.shards[static_cast<size_t>(v.shard)].bytes;
      if (v.offset > size || v.bytes > size - v.offset)
        throw DataError(name + ": " + where + "record [" + std::to_string(v.offset) + ", +" +
                        std::to_string(v.bytes) + ") lies outside its shard of " + std::to_string(size) + " bytes");
    }
    x.videos.push_back(std::move(v));
  }
  return x;
}
}  // namespace

}  // namespace grain::data
