// defines: evaluate_checkpoint_run (see evaluation_run.h)
#include "train/evaluation_run.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>

#include "data/common/file_io.h"
#include "engine/distributed/communicator.h"
#include "engine/error.h"
#include "models/model_io.h"
#include "train/checkpointing.h"
#include "train/evaluation.h"
#include "train/run_setup.h"

namespace grain {

namespace fs = std::filesystem;

RunSummary evaluate_checkpoint_run(const TrainerConfig& c, const TrainerOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  const fs::path source = options.resume.empty() || options.resume == "auto" ? c.out_dir : fs::path(options.resume);
  const fs::path checkpoint = evaluation_checkpoint(source);
  const int64_t step = checkpoint_step(checkpoint);
  const fs::path out = !options.eval_out.empty()
                           ? options.eval_out
                           : checkpoint.parent_path() / ("eval-" + std::to_string(step) + "-" + c.eval_split);
  // A data-parallel job evaluates its slices and gathers them; rank 0 writes.
  const bool rank0 = !options.communicator || options.communicator->rank() == 0;
  if (!options.quiet && rank0)
    std::fprintf(stderr, "trainer: evaluating %s on the %s split; writing %s\n", checkpoint.string().c_str(),
                 c.eval_split.c_str(), out.string().c_str());
  const fs::path vocabulary = checkpoint / "vocabulary.json";
  GRAIN_CHECK(!c.is_captioning() || fs::exists(vocabulary),
              checkpoint.string() << " has no vocabulary.json; a caption model cannot be evaluated without it");
  RunSetup setup = open_run(c, vocabulary, options.communicator, options.cuda_device);
  GRAIN_CHECK(setup.data.eval_loader, "--eval-only: split " << c.eval_split << " of " << c.dataset_root.string()
                                                            << " is empty");
  load_model_weights(checkpoint / "model.safetensors", *setup.store);
  if (rank0) fs::create_directories(out);
  const EvalBaselines baselines = make_baselines(setup.data, c);
  const EvalResult r = evaluate_split(*setup.model, setup.data, c, setup.device,
                                      out / ("predictions-" + c.eval_split + ".jsonl"), &baselines,
                                      options.communicator);

  RunSummary summary;
  summary.run_dir = source;
  summary.output_dir = out;
  summary.steps = step;
  summary.metrics_step = step;
  summary.final_metrics = r.metrics;
  summary.eval_videos = r.videos;
  summary.predictions = r.predictions;
  summary.chance_accuracy = setup.chance_accuracy;
  summary.majority_accuracy = setup.majority_accuracy;
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!rank0) return summary;
  nlohmann::json s{{"task", c.task_name()},
                   {"checkpoint", checkpoint.string()},
                   {"metrics_step", step},
                   {"eval_split", c.eval_split},
                   {"eval_videos", r.videos},
                   {"eval_split_videos", r.split_videos},
                   {"labelled", r.labelled},
                   {"metrics", r.metrics},
                   {"chance_accuracy", setup.chance_accuracy},
                   {"majority_class_accuracy", setup.majority_accuracy},
                   {"seconds", summary.seconds},
                   {"world_size", options.communicator ? options.communicator->world_size() : 1},
                   {"predictions", r.predictions.string()}};
  if (!r.left_out.empty()) s["left_out_videos"] = r.left_out;
  if (r.labelled && r.videos > 0) {
    nlohmann::json diagnosis = nlohmann::json::array();
    for (const metrics::Symptom& symptom : diagnose_evaluation(r, setup.data, c)) {
      diagnosis.push_back({{"kind", symptom.kind}, {"message", symptom.message}});
      if (!options.quiet) std::fprintf(stderr, "trainer: warning: %s\n", symptom.message.c_str());
    }
    s["diagnosis"] = diagnosis;
    s.update(write_class_report(r, setup.data, c, out));
  }
  data::write_file_atomic(out / "summary.json", s.dump(2) + "\n");
  return summary;
}

}  // namespace grain
