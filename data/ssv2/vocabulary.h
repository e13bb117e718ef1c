// Caption vocabulary and tokenizer (docs/spec/model.md, "Vocabulary").
// Design: ids 0..3 are the special tokens pad, start, end, unknown (pad = 0 so
// a zero-filled buffer is all padding); the other words follow in descending
// training-set count, ties in byte order, so the same captions always give the
// same ids. The file is JSON with the token list in id order; its fingerprint
// (FNV-1a of the tokens) lets a checkpoint refuse a different vocabulary.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace grain::data {

class Vocabulary {
 public:
  static constexpr int32_t kPad = 0, kStart = 1, kEnd = 2, kUnknown = 3;
  static constexpr int kSpecialCount = 4;

  // Lower-case (ASCII), delete ASCII punctuation, split on whitespace:
  // "Pushing [a] cap, left-to-right!" -> {"pushing", "a", "cap", "lefttoright"}.
  static std::vector<std::string> tokenize(std::string_view caption);

  // Words occurring at least min_count times in the captions get an id; others map to unknown.
  static Vocabulary build(const std::vector<std::string>& captions, int min_count);

  // Fixed-length target of a caption, shape (length,): the first length-1 words
  // (unknown words -> kUnknown), then kEnd, then kPad. The decoder's start token is
  // not part of the target; it is prepended by the model (teacher forcing).
  std::vector<int32_t> encode(std::string_view caption, int length) const;
  void encode_into(std::string_view caption, int length, int32_t* out) const;
  // Words up to the first kEnd, skipping pad/start, joined by spaces.
  std::string decode(const int32_t* ids, int count) const;

  int32_t id(std::string_view word) const;  // kUnknown when absent
  const std::string& word(int32_t id) const;
  int size() const { return static_cast<int>(tokens_.size()); }
  int min_count() const { return min_count_; }
  uint64_t fingerprint() const;
  bool operator==(const Vocabulary& other) const { return tokens_ == other.tokens_; }

  // JSON: {"format": "grain-vocabulary", "version": 1, "min_count": m, "tokens": [...]}.
  void save(const std::filesystem::path& path) const;
  static Vocabulary load(const std::filesystem::path& path);
  static Vocabulary parse(const std::string& text, const std::string& name);

 private:
  static Vocabulary parse_checked(const std::string& text, const std::string& name);
  std::vector<std::string> tokens_;
  std::map<std::string, int32_t, std::less<>> ids_;
  int min_count_ = 1;
};

}  // namespace grain::data
