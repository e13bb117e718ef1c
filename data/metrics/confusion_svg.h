// A confusion matrix drawn as an SVG heat map, without any library.
// Design: rows are the true classes, labelled "index  name" on the left
// (long SSv2 templates are cut with an ellipsis; the full name is in each
// row's <title> tooltip); columns are the predicted classes, labelled by
// index only, so 174 categories still fit. A cell's colour is the share of
// its row (the true class's videos), white to dark blue, so rare and common
// classes read on one scale; the colour bar on the right gives the scale.
// Counts are printed in the cells when the matrix is small enough for them
// to be legible, and each row ends with "correct/videos". Rows of classes
// with no video are grey. Only non-empty cells are drawn, which keeps the
// file small for large class counts.
#pragma once

#include <string>
#include <vector>

#include "data/metrics/confusion_matrix.h"

namespace grain::metrics {

// class_names.size() must equal m.classes (else std::invalid_argument).
// The result is a complete, well-formed SVG 1.1 document.
std::string confusion_svg(const ConfusionMatrix& m, const std::vector<std::string>& class_names,
                          const std::string& title);

// Text with &, <, >, " and ' replaced by XML entities.
std::string xml_escape(const std::string& text);

}  // namespace grain::metrics
