// defines: confusion_svg, xml_escape (see confusion_svg.h)
#include "data/metrics/confusion_svg.h"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <stdexcept>

namespace grain::metrics {

namespace {

constexpr size_t kMaxLabelChars = 56;   // longer class names are cut with an ellipsis
constexpr int kCountsUpToClasses = 40;  // beyond this, cells are too small for digits

std::string fmt(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// Linear blend from white-ish (#f7fbff) to dark blue (#08306b) at share in [0, 1].
std::string blue(double share) {
  share = std::clamp(share, 0.0, 1.0);
  auto mix = [&](int a, int b) { return static_cast<int>(a + (b - a) * share + 0.5); };
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", mix(0xf7, 0x08), mix(0xfb, 0x30), mix(0xff, 0x6b));
  return text;
}

// Cuts a UTF-8 string to at most n characters, never inside a multi-byte character.
std::string cut(const std::string& text, size_t n) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (chars == n) return text.substr(0, i) + "\u2026";
    ++chars;
  }
  return text;
}

}  // namespace

std::string xml_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      default:
        // Control characters are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\t' || c == '\n') out += c;
    }
  }
  return out;
}

std::string confusion_svg(const ConfusionMatrix& m, const std::vector<std::string>& class_names,
                          const std::string& title) {
  if (static_cast<int>(class_names.size()) != m.classes)
    throw std::invalid_argument("confusion_svg: " + std::to_string(class_names.size()) + " class names for " +
                                std::to_string(m.classes) + " classes");
  const int n = m.classes;
  const double cell = n <= 12 ? 34 : n <= 24 ? 26 : n <= kCountsUpToClasses ? 18 : std::max(9.0, 900.0 / n);
  const double label_font = std::clamp(cell * 0.6, 7.5, 12.0);
  const bool counts_in_cells = n <= kCountsUpToClasses;
  const bool rotate_columns = cell < 24;

  std::vector<std::string> row_labels;
  size_t longest = 0;
  for (int i = 0; i < n; ++i) {
    row_labels.push_back(std::to_string(i) + "  " + cut(class_names[static_cast<size_t>(i)], kMaxLabelChars));
    longest = std::max(longest, std::min(class_names[static_cast<size_t>(i)].size(), kMaxLabelChars + 1) + 5);
  }
  const double char_width = 0.56 * label_font;  // a sans-serif average
  const double left = 30 + char_width * static_cast<double>(longest) + 8;
  const double top = 84 + (rotate_columns ? char_width * 4 : 0);
  const double grid = cell * n;
  const double right_column = 70;  // "correct/videos"
  const double bar_x = left + grid + right_column, bar_height = std::min(grid, 300.0);
  const double width = bar_x + 110, height = top + grid + 30;

  std::ostringstream svg;
  svg << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" << fmt("%.0f", width) << "\" height=\""
      << fmt("%.0f", height) << "\" viewBox=\"0 0 " << fmt("%.0f", width) << " " << fmt("%.0f", height)
      << "\" font-family=\"DejaVu Sans, Arial, sans-serif\">\n"
      << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
      << "<text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">" << xml_escape(title) << "</text>\n"
      << "<text x=\"10\" y=\"40\" font-size=\"11\" fill=\"#444\">rows: true class; columns: predicted class; "
         "colour: share of the row's videos; right: correct/videos</text>\n"
      << "<text x=\"" << fmt("%.1f", left + grid / 2) << "\" y=\"58\" font-size=\"12\" text-anchor=\"middle\">"
      << "predicted class</text>\n";

  // Column indices.
  for (int p = 0; p < n; ++p) {
    const double x = left + cell * (p + 0.5), y = top - 4;
    if (rotate_columns)
      svg << "<text x=\"" << fmt("%.1f", x + label_font * 0.35) << "\" y=\"" << fmt("%.1f", y) << "\" font-size=\""
          << fmt("%.1f", label_font) << "\" transform=\"rotate(-90 " << fmt("%.1f", x + label_font * 0.35) << " "
          << fmt("%.1f", y) << ")\">" << p << "</text>\n";
    else
      svg << "<text x=\"" << fmt("%.1f", x) << "\" y=\"" << fmt("%.1f", y) << "\" font-size=\""
          << fmt("%.1f", label_font) << "\" text-anchor=\"middle\">" << p << "</text>\n";
  }
  // Grid background and frame.
  svg << "<rect x=\"" << fmt("%.1f", left) << "\" y=\"" << fmt("%.1f", top) << "\" width=\"" << fmt("%.1f", grid)
      << "\" height=\"" << fmt("%.1f", grid) << "\" fill=\"" << blue(0) << "\"/>\n";

  for (int t = 0; t < n; ++t) {
    const double y = top + cell * t;
    const int64_t videos = m.row_total(t);
    const std::string& name = class_names[static_cast<size_t>(t)];
    svg << "<g><title>" << t << ": " << xml_escape(name) << "</title><text x=\"" << fmt("%.1f", left - 6) << "\" y=\""
        << fmt("%.1f", y + cell / 2 + label_font * 0.35) << "\" font-size=\"" << fmt("%.1f", label_font)
        << "\" text-anchor=\"end\">" << xml_escape(row_labels[static_cast<size_t>(t)]) << "</text></g>\n";
    svg << "<text x=\"" << fmt("%.1f", left + grid + 6) << "\" y=\"" << fmt("%.1f", y + cell / 2 + label_font * 0.35)
        << "\" font-size=\"" << fmt("%.1f", label_font) << "\">" << m.at(t, t) << "/" << videos << "</text>\n";
    if (videos == 0) {
      svg << "<rect x=\"" << fmt("%.1f", left) << "\" y=\"" << fmt("%.1f", y) << "\" width=\"" << fmt("%.1f", grid)
          << "\" height=\"" << fmt("%.1f", cell) << "\" fill=\"#e4e4e4\"><title>" << xml_escape(name)
          << ": no video in this split</title></rect>\n";
      continue;
    }
    for (int p = 0; p < n; ++p) {
      const int64_t count = m.at(t, p);
      if (count == 0) continue;
      const double share = static_cast<double>(count) / static_cast<double>(videos);
      const double x = left + cell * p;
      svg << "<rect x=\"" << fmt("%.1f", x) << "\" y=\"" << fmt("%.1f", y) << "\" width=\"" << fmt("%.1f", cell)
          << "\" height=\"" << fmt("%.1f", cell) << "\" fill=\"" << blue(share) << "\"><title>true " << t << " "
          << xml_escape(name) << "; predicted " << p << " " << xml_escape(class_names[static_cast<size_t>(p)]) << ": "
          << count << " of " << videos << "</title></rect>\n";
      if (counts_in_cells)
        svg << "<text x=\"" << fmt("%.1f", x + cell / 2) << "\" y=\"" << fmt("%.1f", y + cell / 2 + label_font * 0.35)
            << "\" font-size=\"" << fmt("%.1f", label_font) << "\" text-anchor=\"middle\" fill=\""
            << (share > 0.5 ? "white" : "black") << "\">" << count << "</text>\n";
    }
  }
  // Diagonal outlines (the correct answers) and the frame.
  for (int t = 0; t < n; ++t)
    svg << "<rect x=\"" << fmt("%.1f", left + cell * t) << "\" y=\"" << fmt("%.1f", top + cell * t) << "\" width=\""
        << fmt("%.1f", cell) << "\" height=\"" << fmt("%.1f", cell)
        << "\" fill=\"none\" stroke=\"#d95f02\" stroke-width=\"" << fmt("%.1f", std::max(0.5, cell / 16)) << "\"/>\n";
  svg << "<rect x=\"" << fmt("%.1f", left) << "\" y=\"" << fmt("%.1f", top) << "\" width=\"" << fmt("%.1f", grid)
      << "\" height=\"" << fmt("%.1f", grid) << "\" fill=\"none\" stroke=\"#888\" stroke-width=\"1\"/>\n";
  svg << "<text x=\"14\" y=\"" << fmt("%.1f", top + grid / 2) << "\" font-size=\"12\" text-anchor=\"middle\" "
      << "transform=\"rotate(-90 14 " << fmt("%.1f", top + grid / 2) << ")\">true class</text>\n";

  // Colour bar: share 1 at the top, 0 at the bottom.
  svg << "<defs><linearGradient id=\"share\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">"
      << "<stop offset=\"0\" stop-color=\"" << blue(0) << "\"/><stop offset=\"1\" stop-color=\"" << blue(1)
      << "\"/></linearGradient></defs>\n"
      << "<rect x=\"" << fmt("%.1f", bar_x) << "\" y=\"" << fmt("%.1f", top) << "\" width=\"16\" height=\""
      << fmt("%.1f", bar_height) << "\" fill=\"url(#share)\" stroke=\"#888\"/>\n";
  for (double tick : {0.0, 0.5, 1.0})
    svg << "<text x=\"" << fmt("%.1f", bar_x + 22) << "\" y=\"" << fmt("%.1f", top + bar_height * (1 - tick) + 4)
        << "\" font-size=\"11\">" << fmt("%.1f", tick) << "</text>\n";
  svg << "<text x=\"" << fmt("%.1f", bar_x) << "\" y=\"" << fmt("%.1f", top + bar_height + 16)
      << "\" font-size=\"11\">share of row</text>\n";
  svg << "</svg>\n";
  return svg.str();
}

}  // namespace grain::metrics
