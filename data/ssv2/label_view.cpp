// defines: the task-to-label mapping (see label_view.h)
#include "data/ssv2/label_view.h"

#include "data/common/error.h"

namespace grain::data {

const std::vector<TaskLabels>& source_tasks() {
  static const std::vector<TaskLabels> tasks{
      {"cg_classes", ClassView::kGroup, CaptionView::kNone, "CG"},
      {"fg_classes", ClassView::kCategory, CaptionView::kNone, "FG"},
      {"so_captions", ClassView::kCategory, CaptionView::kSimplified, "SO"},
      {"fg_captions", ClassView::kCategory, CaptionView::kFull, "FC"},
  };
  return tasks;
}

const TaskLabels& task_labels(std::string_view task) {
  std::string known;
  for (const TaskLabels& t : source_tasks()) {
    if (t.task == task) return t;
    known += (known.empty() ? "" : ", ") + t.task;
  }
  throw DataError("unknown task '" + std::string(task) + "' (known: " + known + ")");
}

int class_index(ClassView view, const VideoLabel& video) {
  return view == ClassView::kGroup ? video.group : video.category;
}

const std::string& caption_text(CaptionView view, const VideoLabel& video) {
  if (view == CaptionView::kNone) throw DataError("caption_text: the task has no captions");
  return view == CaptionView::kSimplified ? video.simplified_caption : video.caption;
}

const std::vector<std::string>& class_names(ClassView view, const Annotations& annotations) {
  return view == ClassView::kGroup ? annotations.group_names() : annotations.category_names();
}

const char* class_noun(ClassView view) { return view == ClassView::kGroup ? "action group" : "category"; }

}  // namespace grain::data
