// Vocabulary: counting, ordering, fixed-length encoding and the JSON file.
#include "data/ssv2/vocabulary.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "data/common/json_read.h"

namespace grain::data {
namespace {
const char* const kSpecials[Vocabulary::kSpecialCount] = {"<pad>", "<start>", "<end>", "<unk>"};
}

std::vector<std::string> Vocabulary::tokenize(std::string_view caption) {
  std::vector<std::string> words;
  std::string current;
  for (char ch : caption) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80 && std::isspace(c)) {
      if (!current.empty()) words.push_back(std::move(current));
      current.clear();
    } else if (c < 0x80 && std::ispunct(c)) {
      continue;  // removed, not a separator: "don't" -> "dont"
    } else {
      current.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : ch);
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  return words;
}

Vocabulary Vocabulary::build(const std::vector<std::string>& captions, int min_count) {
  if (min_count < 1) throw DataError("Vocabulary::build: min_count must be >= 1, got " + std::to_string(min_count));
  std::map<std::string, int64_t, std::less<>> counts;
  for (const auto& c : captions)
    for (auto& w : tokenize(c)) ++counts[w];
  std::vector<std::pair<std::string, int64_t>> words;
  for (auto& [w, n] : counts)
    if (n >= min_count && std::find(std::begin(kSpecials), std::end(kSpecials), w) == std::end(kSpecials))
      words.emplace_back(w, n);
  std::stable_sort(words.begin(), words.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  Vocabulary v;
  v.min_count_ = min_count;
  for (const char* s : kSpecials) v.tokens_.emplace_back(s);
  for (auto& [w, n] : words) v.tokens_.push_back(w);
  for (size_t i = 0; i < v.tokens_.size(); ++i) v.ids_[v.tokens_[i]] = static_cast<int32_t>(i);
  return v;
}

int32_t Vocabulary::id(std::string_view word) const {
  const auto it = ids_.find(word);
  return it == ids_.end() || it->second < kSpecialCount ? kUnknown : it->second;
}

const std::string& Vocabulary::word(int32_t id) const {
  if (id < 0 || id >= size())
    throw DataError("Vocabulary::word: id " + std::to_string(id) + " outside [0, " + std::to_string(size()) + ")");
  return tokens_[static_cast<size_t>(id)];
}

void Vocabulary::encode_into(std::string_view caption, int length, int32_t* out) const {
  if (length < 1) throw DataError("Vocabulary::encode: caption length must be >= 1");
  const auto words = tokenize(caption);
  const int n = std::min(static_cast<int>(words.size()), length - 1);
  for (int i = 0; i < n; ++i) out[i] = id(words[static_cast<size_t>(i)]);
  out[n] = kEnd;
  for (int i = n + 1; i < length; ++i) out[i] = kPad;
}

std::vector<int32_t> Vocabulary::encode(std::string_view caption, int length) const {
  std::vector<int32_t> out(static_cast<size_t>(std::max(length, 1)));
  encode_into(caption, length, out.data());
  return out;
}

std::string Vocabulary::decode(const int32_t* ids, int count) const {
  std::string out;
  for (int i = 0; i < count; ++i) {
    if (ids[i] == kEnd) break;
    if (ids[i] == kPad || ids[i] == kStart) continue;
    if (!out.empty()) out.push_back(' ');
    out += word(ids[i]);
  }
  return out;
}

uint64_t Vocabulary::fingerprint() const {
  uint64_t h = 0xcbf29ce484222325ull;
  for (const auto& t : tokens_) {
    for (unsigned char c : t) h = (h ^ c) * 0x100000001b3ull;
    h = (h ^ 0xffu) * 0x100000001b3ull;  // separator, so {"ab"} != {"a", "b"}
  }
  return h;
}

void Vocabulary::save(const std::filesystem::path& path) const {
  nlohmann::json j;
  j["format"] = "grain-vocabulary";
  j["version"] = 1;
  j["min_count"] = min_count_;
  j["tokens"] = tokens_;
  write_file_atomic(path, j.dump(1) + "\n");
}

Vocabulary Vocabulary::load(const std::filesystem::path& path) { return parse(read_text_file(path), path.string()); }

Vocabulary Vocabulary::parse(const std::string& text, const std::string& name) {
  try {
    return parse_checked(text, name);
  } catch (const nlohmann::json::exception& e) {  // a safety net: accesses are type-checked first
    throw DataError(name + ": unexpected JSON: " + e.what());
  }
}

Vocabulary Vocabulary::parse_checked(const std::string& text, const std::string& name) {
  const nlohmann::json j = parse_json(text, name);
  if (!j.is_object() || !j.contains("format") || j["format"] != "grain-vocabulary")
    throw DataError(name + ": field \"format\" must be \"grain-vocabulary\"");
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int>() != 1)
    throw DataError(name + ": field \"version\" must be 1");
  if (!j.contains("min_count") || !j["min_count"].is_number_integer() || j["min_count"].get<int>() < 1)
    throw DataError(name + ": field \"min_count\" must be an integer >= 1");
  if (!j.contains("tokens") || !j["tokens"].is_array())
    throw DataError(name + ": field \"tokens\" must be an array of strings");
  Vocabulary v;
  v.min_count_ = j["min_count"].get<int>();
  for (const auto& t : j["tokens"]) {
    if (!t.is_string()) throw DataError(name + ": field \"tokens\" must hold strings only");
    const std::string w = t.get<std::string>();
    if (w.empty()) throw DataError(name + ": token " + std::to_string(v.tokens_.size()) + " is empty");
    if (!v.ids_.emplace(w, static_cast<int32_t>(v.tokens_.size())).second)
      throw DataError(name + ": duplicate token \"" + w + "\"");
    v.tokens_.push_back(w);
  }
  if (v.tokens_.size() < kSpecialCount)
    throw DataError(name + ": field \"tokens\" must start with the 4 special tokens");
  for (int i = 0; i < kSpecialCount; ++i)
    if (v.tokens_[static_cast<size_t>(i)] != kSpecials[i])
      throw DataError(name + ": token " + std::to_string(i) + " must be \"" + kSpecials[i] + "\"");
  return v;
}

}  // namespace grain::data
