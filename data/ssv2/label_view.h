// defines: ClassView, CaptionView, TaskLabels, task_labels, source_tasks, class_index, caption_text
//
// The one place that decides which label of a video each source task trains
// and scores: action groups (cg_classes), categories (fg_classes), and
// captions with simplified objects (so_captions) or in full (fg_captions),
// the caption tasks keeping a category classifier beside the decoder. The
// trainer, the batch, the evaluation and `evaluate` all ask here.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "data/ssv2/annotations.h"

namespace grain::data {

enum class ClassView { kGroup, kCategory };
enum class CaptionView { kNone, kSimplified, kFull };

struct TaskLabels {
  std::string task;          // "cg_classes", "fg_classes", "so_captions", "fg_captions"
  ClassView classes;         // what the classifier predicts
  CaptionView captions;      // what the decoder generates (kNone: no decoder)
  std::string abbreviation;  // the paper's name in tables and figures: CG, FG, SO, FC
  bool captioning() const { return captions != CaptionView::kNone; }
  bool operator==(const TaskLabels&) const = default;
};

// The four source tasks, coarse to fine: the one list of them (config
// choices, the reproduction's stages, the report's rows all iterate it).
const std::vector<TaskLabels>& source_tasks();
// The labels of a task by name; throws DataError listing the known names.
const TaskLabels& task_labels(std::string_view task);

// The class of a video in a view (-1 when the video has none, e.g. test entries).
int class_index(ClassView view, const VideoLabel& video);
// The caption of a video in a view (kNone is an error).
const std::string& caption_text(CaptionView view, const VideoLabel& video);
// The class names of a view ("action group" names or category templates).
const std::vector<std::string>& class_names(ClassView view, const Annotations& annotations);
// "action group" or "category", for messages.
const char* class_noun(ClassView view);

}  // namespace grain::data
