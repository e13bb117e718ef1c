// Contact sheet rendering: thumbnails + captions drawn with stb_easy_font,
// PNG encoded with stb_image_write (deterministic zlib).
#include "contact_sheet.h"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "data/common/error.h"
#include "data/common/file_io.h"
#include "dataset_writer.h"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include <stb/stb_easy_font.h>
#include <stb/stb_image_write.h>
#pragma GCC diagnostic pop

namespace grain::data::synth {
namespace {

constexpr int kPad = 6, kLine = 10;

struct Canvas {
  int w, h;
  std::vector<uint8_t> rgb;
  void fill_rect(int x0, int y0, int x1, int y1, uint8_t r, uint8_t g, uint8_t b) {
    for (int y = std::max(0, y0); y < std::min(h, y1); ++y)
      for (int x = std::max(0, x0); x < std::min(w, x1); ++x) {
        uint8_t* p = &rgb[(static_cast<size_t>(y) * w + x) * 3];
        p[0] = r, p[1] = g, p[2] = b;
      }
  }
  // Text in stb_easy_font's quads (integer coordinates, so no anti-aliasing is needed).
  void text(int x, int y, const std::string& s) {
    static char buffer[60000];
    unsigned char colour[4] = {20, 20, 20, 255};
    std::string copy = s;
    const int quads = stb_easy_font_print(static_cast<float>(x), static_cast<float>(y), copy.data(), colour, buffer,
                                          sizeof buffer);
    for (int q = 0; q < quads; ++q) {
      const float* v0 = reinterpret_cast<const float*>(buffer + q * 64);
      const float* v2 = reinterpret_cast<const float*>(buffer + q * 64 + 32);
      fill_rect(static_cast<int>(v0[0]), static_cast<int>(v0[1]), static_cast<int>(v2[0]), static_cast<int>(v2[1]), 20,
                20, 20);
    }
  }
};

// Greedy word wrap to at most max_chars per line.
std::vector<std::string> wrap(const std::string& s, size_t max_chars) {
  std::vector<std::string> lines;
  std::string line, word;
  auto flush_word = [&] {
    if (word.empty()) return;
    if (!line.empty() && line.size() + 1 + word.size() > max_chars) lines.push_back(line), line.clear();
    line += (line.empty() ? "" : " ") + word;
    word.clear();
  };
  for (char c : s) {
    if (c == ' ') flush_word();
    else word += c;
  }
  flush_word();
  if (!line.empty()) lines.push_back(line);
  return lines;
}

}  // namespace

void write_contact_sheet(const DatasetKind& kind, uint64_t seed, const std::vector<VideoEntry>& entries, int width,
                         int height, const std::filesystem::path& png, const ContactSheetOptions& o) {
  const int classes = static_cast<int>(kind.classes().size());
  // The first videos of each class, in class order (entries are train first).
  std::vector<const VideoEntry*> chosen;
  for (int c = 0; c < classes; ++c) {
    int n = 0;
    for (const VideoEntry& e : entries)
      if (e.label.class_index == c && n < o.videos_per_class) chosen.push_back(&e), ++n;
  }
  if (chosen.empty()) throw DataError(png.string() + ": no videos to show in the contact sheet");
  const int scale = o.half_size ? 2 : 1;
  const int tw = width / scale, th = height / scale;
  const int cell_w = o.frames_per_video * (tw + 2);
  const size_t max_chars = static_cast<size_t>(std::max(10, cell_w / 6));
  const int text_lines = 3;
  const int cell_h = text_lines * kLine + th + 4;
  const int cols = std::min<int>(o.columns, static_cast<int>(chosen.size()));
  const int rows = (static_cast<int>(chosen.size()) + cols - 1) / cols;
  Canvas cv{kPad + cols * (cell_w + kPad), kPad + rows * (cell_h + kPad), {}};
  cv.rgb.assign(static_cast<size_t>(cv.w) * cv.h * 3, 245);

  std::vector<uint8_t> frames;
  for (size_t k = 0; k < chosen.size(); ++k) {
    const VideoEntry& e = *chosen[k];
    const int x0 = kPad + static_cast<int>(k % static_cast<size_t>(cols)) * (cell_w + kPad);
    const int y0 = kPad + static_cast<int>(k / static_cast<size_t>(cols)) * (cell_h + kPad);
    std::vector<std::string> lines = wrap(std::to_string(e.label.class_index) + ": " + e.label.caption, max_chars);
    lines.resize(std::min<size_t>(lines.size(), text_lines));
    for (size_t l = 0; l < lines.size(); ++l) cv.text(x0, y0 + static_cast<int>(l) * kLine, lines[l]);
    const int n = render_video(kind, seed, e.index, e.label.class_index, width, height, frames);
    for (int f = 0; f < o.frames_per_video; ++f) {
      const int t = o.frames_per_video > 1 ? f * (n - 1) / (o.frames_per_video - 1) : 0;
      const uint8_t* src = frames.data() + static_cast<size_t>(t) * width * height * 3;
      const int fx = x0 + f * (tw + 2), fy = y0 + text_lines * kLine;
      for (int y = 0; y < th; ++y)
        for (int x = 0; x < tw; ++x)
          for (int c = 0; c < 3; ++c) {
            int sum = 0;  // box filter over scale x scale source pixels
            for (int dy = 0; dy < scale; ++dy)
              for (int dx = 0; dx < scale; ++dx)
                sum += src[((static_cast<size_t>(y) * scale + dy) * width + static_cast<size_t>(x) * scale + dx) * 3 + c];
            cv.rgb[((static_cast<size_t>(fy + y)) * cv.w + fx + x) * 3 + c] =
                static_cast<uint8_t>((sum + scale * scale / 2) / (scale * scale));
          }
    }
  }
  int len = 0;
  unsigned char* bytes = stbi_write_png_to_mem(cv.rgb.data(), cv.w * 3, cv.w, cv.h, 3, &len);
  if (!bytes) throw DataError(png.string() + ": PNG encoding failed");
  const std::string data(reinterpret_cast<const char*>(bytes), static_cast<size_t>(len));
  std::free(bytes);
  write_file_atomic(png, data);
}

}  // namespace grain::data::synth
