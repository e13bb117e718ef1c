// defines: reproduce_stage_names, run_reproduce (see reproduce.h)
#include "experiments/reproduce.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>

#include "data/common/file_io.h"
#include "data/common/json_read.h"
#include "kernels/sha256.h"
#include "data/metrics/caption_metrics.h"
#include "data/metrics/metric_names.h"
#include "data/metrics/predictions.h"
#include "data/metrics/template_baseline.h"
#include "data/ssv2/annotations.h"
#include "data/ssv2/label_view.h"
#include "engine/error.h"
#include "experiments/encoder_features.h"
#include "experiments/frame_baselines.h"
#include "experiments/report.h"
#include "experiments/smoke_preset.h"
#include "experiments/transfer.h"
#include "train/dataset_setup.h"
#include "train/evaluation_run.h"
#include "train/run_lock.h"
#include "train/stop_request.h"
#include "train/trainer.h"

namespace grain {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> source_task_names() {
  std::vector<std::string> names;
  for (const data::TaskLabels& t : data::source_tasks()) names.push_back(t.task);
  return names;
}

// The encoders the transfer compares: one per source task, and the random one.
std::vector<std::string> transfer_source_names() {
  std::vector<std::string> names = source_task_names();
  names.push_back("random");
  return names;
}

const std::vector<std::string> kFrameBaselines = {"middle_frame_mlp", "frames_mean_mlp", "frames_lstm"};

FrameBaselineKind frame_baseline_kind(const std::string& name) {
  for (const FrameBaselineKind k :
       {FrameBaselineKind::kMiddleFrameMlp, FrameBaselineKind::kFramesMeanMlp, FrameBaselineKind::kFramesLstm})
    if (frame_baseline_name(k) == name) return k;
  GRAIN_THROW("reproduce: unknown frame baseline " << name);
}

struct Plan {
  std::string preset;
  std::map<std::string, TrainerConfig> configs;       // per task
  std::map<std::string, std::string> config_yaml;     // the effective config written to each run folder
  DataSpec target_data;                               // the target (generated when not given)
  std::vector<int64_t> shots;
  int64_t runs = 10;
  int64_t probe_epochs = 200;
  int64_t frame_hidden = 1024;  // the frame baselines' MLP / LSTM units (the paper's 1024)
};

Plan make_plan(const ReproduceOptions& o) {
  GRAIN_CHECK(o.preset == "smoke" || o.preset == "cpu" || o.preset == "paper",
              "--preset " << o.preset << ": expected smoke, cpu or paper");
  Plan p;
  p.preset = o.preset;
  const fs::path data_dir = o.out / "data";
  for (const data::TaskLabels& source_task : data::source_tasks()) {
    const std::string& task = source_task.task;
    std::vector<std::string> overrides{"run.out=" + (o.out / "runs" / task).string(), "device=" + o.device};
    if (o.threads > 0) overrides.push_back("train.threads=" + std::to_string(o.threads));
    if (!o.source_data.empty()) {
      overrides.push_back("dataset.root=" + o.source_data.string());
      overrides.push_back("dataset.generate=none");
    } else if (o.preset == "smoke") {
      overrides.push_back("dataset.root=" + (data_dir / "synth-ss").string());
    }
    fs::path file;
    ConfigValues values;
    if (o.preset == "smoke") {
      // One config for the four tasks (compiled in: experiments/smoke_preset.h).
      file = kSmokePresetFile;
      overrides.push_back("task=" + task);
      values = trainer_schema().parse(smoke_preset_yaml(), std::string(kSmokePresetFile) + " (compiled in)", overrides);
    } else {
      // Given source data is the real Something-Something V2: its configs (configs/ssv2/) read its layout.
      const fs::path dir = o.source_data.empty() ? o.config_dir : o.config_dir / "ssv2";
      file = o.preset == "cpu" ? dir / "tiny" / (task + ".yaml") : dir / (task + ".yaml");
      GRAIN_CHECK(fs::exists(file), "--preset " << o.preset << ": " << file.string()
                                                << " not found (run from the repository root, or pass --configs DIR)");
      values = trainer_schema().load(file, overrides);
    }
    p.configs[task] = read_trainer_config(values, file);
    p.config_yaml[task] = resolved_config_yaml(values, p.configs[task]);
  }
  // The target: synth-kitchen stored as JPEG frames at the model's size (no
  // resizing, so also without FFmpeg), all videos in train.json, read as
  // the transfer reads it.
  p.target_data = target_data_spec(p.configs.at("fg_classes"),
                                   o.target_data.empty() ? data_dir / "synth-kitchen" : o.target_data);
  if (o.target_data.empty()) {
    GeneratedData& g = p.target_data.generate;
    g.kind = "synth-kitchen";
    g.seed = 1;
    g.train = o.preset == "smoke" ? 39 : 0;  // 0: the generator's 390 (13 x 30)
    g.width = g.height = p.target_data.clip.width;
    g.format = data::synth::VideoFormat::kJpeg;
  }
  p.shots = o.preset == "smoke" ? std::vector<int64_t>{1, 2} : std::vector<int64_t>{1, 5, 10};
  p.runs = o.preset == "smoke" ? 3 : 10;
  p.probe_epochs = o.preset == "smoke" ? 50 : 200;
  // The paper's 1024 units; on the CPU 256 (still 4x the tiny encoder's LSTM
  // of 64): at 1024 the frame LSTM alone took longer than a source task.
  p.frame_hidden = o.preset == "smoke" ? 64 : o.preset == "cpu" ? 256 : 1024;
  return p;
}

std::string duration_text(double seconds) {
  char text[32];
  if (seconds < 60) std::snprintf(text, sizeof(text), "%.0fs", seconds);
  else if (seconds < 3600) std::snprintf(text, sizeof(text), "%.0fm%02.0fs", std::floor(seconds / 60), std::fmod(seconds, 60));
  else std::snprintf(text, sizeof(text), "%.0fh%02.0fm", std::floor(seconds / 3600), std::fmod(seconds / 60, 60));
  return text;
}

// The caption metrics a results.json entry keeps, as `evaluate` prints them.
nlohmann::json pick_metrics(const nlohmann::json& metrics, bool captions) {
  nlohmann::json out = nlohmann::json::object();
  std::vector<std::string> names{metrics::kTop1, metrics::kTop5};
  if (captions)
    for (const char* n : {metrics::kBleu4, metrics::kRougeL, metrics::kMeteor, metrics::kCiderD, metrics::kExactMatch})
      names.push_back(n);
  for (const std::string& n : names)
    if (metrics.contains(n)) out[n] = metrics[n];
  return out;
}

nlohmann::json read_json(const fs::path& file) { return data::parse_json(data::read_text_file(file), file.string()); }

void write_json(const fs::path& file, const nlohmann::json& j) {
  fs::create_directories(file.parent_path());
  data::write_file_atomic(file, j.dump(2) + "\n");
}

class Reproduction {
 public:
  Reproduction(const ReproduceOptions& o) : o_(o), plan_(make_plan(o)) {}

  ReproduceSummary run() {
    fs::create_directories(o_.out / "stages");
    // One reproduce per output folder: two would race on the data, the run folders and the markers.
    const RunLock lock(o_.out, "reproduce");
    const std::vector<std::string> names = reproduce_stage_names();
    GRAIN_CHECK(o_.only.empty() || std::any_of(names.begin(), names.end(), [&](const std::string& n) { return selected(n); }),
                "--only " << o_.only << ": no such stage or group; the stages: " << join(names));
    const fs::path timings_file = o_.out / "timings.json";
    nlohmann::json timings = read_timings(timings_file);
    const auto start = std::chrono::steady_clock::now();
    int to_run = 0, done_running = 0;
    double run_seconds = 0;
    for (const std::string& n : names) to_run += selected(n) && !done(n, false);
    for (size_t i = 0; i < names.size(); ++i) {
      const std::string& name = names[i];
      if (!selected(name)) continue;
      const std::string position = "stage " + std::to_string(i + 1) + "/" + std::to_string(names.size()) + " " + name;
      if (done(name, true)) {
        summary_.skipped.push_back(name);
        say(position + ": done before, skipped");
        continue;
      }
      // A stop asked for between two stages starts no new one.
      if (stop_requested()) {
        stop(stop_signal());
        break;
      }
      const int remaining = to_run - done_running;
      std::string eta = done_running == 0 ? "ETA unknown until a stage has run"
                                          : "ETA " + duration_text(run_seconds / done_running * remaining);
      say(position + " (" + std::to_string(remaining) + " to run, " + eta + ")");
      if (o_.before_stage) o_.before_stage(name);
      const auto stage_start = std::chrono::steady_clock::now();
      fs::remove(marker(name));  // from here until the stage ends, its outputs are not known to be whole
      try {
        run_stage(name);
      } catch (const StopRequested& e) {
        say(std::string(e.what()) + "; " + name + " is not done, a rerun redoes or continues it");
        stop(e.signal());
      }
      if (summary_.stopped) break;
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - stage_start).count();
      run_seconds += seconds;
      ++done_running;
      timings[name] = seconds;
      write_json(timings_file, timings);
      write_marker(name);
      summary_.ran.push_back(name);
    }
    if (!summary_.ran.empty() && !summary_.stopped)
      say("done in " + duration_text(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()) +
          "; " + (o_.out / "report.md").string());
    return summary_;
  }

 private:
  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  }
  bool selected(const std::string& name) const {
    return o_.only.empty() || name == o_.only || name.rfind(o_.only + "-", 0) == 0;
  }
  void stop(int signal) {
    summary_.stopped = true;
    summary_.stop_signal = signal;
  }
  void say(const std::string& text) const {
    if (!o_.quiet) std::fprintf(stderr, "reproduce [%s]: %s\n", o_.preset.c_str(), text.c_str());
  }

  // timings.json is a record for people (the report's durations), not an
  // input: a damaged one is replaced, with a warning naming it.
  nlohmann::json read_timings(const fs::path& file) const {
    if (!fs::exists(file)) return nlohmann::json::object();
    try {
      nlohmann::json j = read_json(file);
      if (j.is_object() && std::all_of(j.begin(), j.end(), [](const nlohmann::json& v) { return v.is_number(); }))
        return j;
      say("warning: " + file.string() + " is not an object of stage durations in seconds; starting it afresh");
    } catch (const std::exception& e) {
      say(std::string("warning: ") + e.what() + "; starting " + file.string() + " afresh");
    }
    return nlohmann::json::object();
  }

  // ---- Stage markers: OUT/stages/<name>.done records the SHA-256 of every
  // output of the stage and of the markers of the stages it read from. A
  // stage is done when its marker parses and all of them still match: a
  // truncated or edited output, a missing file, or an upstream stage redone
  // with different outputs makes it run again (and says why).
  fs::path marker(const std::string& name) const { return o_.out / "stages" / (name + ".done"); }

  static std::string file_sha256(const fs::path& file) { return kernels::sha256_hex(data::read_text_file(file)); }

  // The files a stage writes that later stages or the user read, relative to OUT where inside it.
  std::vector<fs::path> stage_outputs(const std::string& name) const {
    const size_t dash = name.find('-');
    const std::string group = name.substr(0, dash), what = name.substr(dash + 1);
    const auto annotation_files = [](const fs::path& root) {
      std::vector<fs::path> files;
      for (const char* f : {"labels.json", "train.json", "validation.json", "test.json"})
        if (fs::exists(root / f)) files.push_back(root / f);
      return files;
    };
    if (name == "generate-source") return annotation_files(plan_.configs.at("fg_classes").dataset_root);
    if (name == "generate-target") return annotation_files(plan_.target_data.root);
    if (name == "template-baseline") return {o_.out / "baselines" / "template.json"};
    if (name == "report")
      return {o_.out / "results.json", o_.out / "report.md", o_.out / "figure4.svg", o_.out / "curves.svg"};
    if (group == "train") return {o_.out / "runs" / what / "summary.json", o_.out / "runs" / what / "best.json"};
    if (group == "evaluate") {
      const std::string split = plan_.configs.at(what).eval_split;
      return {eval_dir(what) / "summary.json", eval_dir(what) / ("predictions-" + split + ".jsonl")};
    }
    if (group == "frame") return {o_.out / "baselines" / "frames" / what / "summary.json"};
    if (group == "transfer") return {transfer_dir(what) / "transfer.json"};
    GRAIN_THROW("reproduce: unknown stage " << name);
  }

  // The stages whose outputs a stage reads.
  std::vector<std::string> stage_inputs(const std::string& name) const {
    const size_t dash = name.find('-');
    const std::string group = name.substr(0, dash), what = name.substr(dash + 1);
    if (group == "generate") return {};
    if (group == "train" || group == "frame") return {"generate-source"};
    if (group == "evaluate") return {"train-" + what};
    if (name == "template-baseline") return {"generate-source", "evaluate-fg_classes"};
    if (group == "transfer") {
      std::vector<std::string> in{"generate-target", "train-fg_classes"};  // fg_classes: the architecture
      if (what != "random" && what != "fg_classes") in.push_back("train-" + what);
      return in;
    }
    std::vector<std::string> all = reproduce_stage_names();  // the report reads everything
    all.pop_back();
    return all;
  }

  std::string relative(const fs::path& file) const {
    const fs::path r = file.lexically_relative(o_.out);
    return r.empty() || *r.begin() == ".." ? file.string() : r.string();
  }

  void write_marker(const std::string& name) const {
    nlohmann::json outputs = nlohmann::json::object(), inputs = nlohmann::json::object();
    // Some outputs are optional (best.json needs a validation split; the annotation files a split).
    for (const fs::path& f : stage_outputs(name))
      if (fs::exists(f)) outputs[relative(f)] = file_sha256(f);
    GRAIN_CHECK(!outputs.empty(), "reproduce: stage " << name << " finished without writing any of its outputs");
    for (const std::string& in : stage_inputs(name))
      if (fs::exists(marker(in))) inputs[in] = file_sha256(marker(in));
    write_json(marker(name), {{"stage", name}, {"outputs", outputs}, {"inputs", inputs}});
  }

  // Whether the stage's marker still vouches for its outputs; `explain`
  // says why not when a marker exists but no longer holds.
  bool done(const std::string& name, bool explain) const {
    const fs::path m = marker(name);
    if (!fs::exists(m)) return false;
    std::string why;
    try {
      const nlohmann::json j = read_json(m);
      if (!j.is_object() || !j.contains("outputs") || !j["outputs"].is_object() || !j.contains("inputs") ||
          !j["inputs"].is_object()) {
        why = "its marker " + m.string() + " does not record its outputs' hashes";
      } else {
        for (const fs::path& f : stage_outputs(name)) {
          const std::string key = relative(f);
          const bool recorded = j["outputs"].contains(key), present = fs::exists(f);
          if (recorded && !present) why = f.string() + " is missing";
          else if (!recorded && present) why = f.string() + " appeared after the stage ran";
          else if (present && j["outputs"][key] != file_sha256(f)) why = f.string() + " changed since the stage wrote it";
          if (!why.empty()) break;
        }
        for (const std::string& in : why.empty() ? stage_inputs(name) : std::vector<std::string>{}) {
          const bool recorded = j["inputs"].contains(in), present = fs::exists(marker(in));
          if (recorded != present || (present && j["inputs"][in] != file_sha256(marker(in))))
            why = "stage " + in + ", which it reads, was redone since";
          if (!why.empty()) break;
        }
      }
    } catch (const std::exception& e) {
      why = e.what();
    }
    if (why.empty()) return true;
    if (explain) say("stage " + name + " must run again: " + why);
    return false;
  }

  fs::path eval_dir(const std::string& task) const { return o_.out / "eval" / task; }
  fs::path transfer_dir(const std::string& source) const { return o_.out / "transfer" / source; }

  void run_stage(const std::string& name) {
    if (name == "generate-source") {
      const TrainerConfig& c = plan_.configs.at("fg_classes");
      return generate(c.data_spec(), c.load_settings(), !o_.source_data.empty());
    }
    if (name == "generate-target") {
      LoadSettings one_clip;  // opening it checks it; no batch is drawn
      one_clip.batch_size = one_clip.eval_batch_size = 1;
      return generate(plan_.target_data, one_clip, !o_.target_data.empty());
    }
    if (name == "template-baseline") return template_baseline();
    if (name == "report") return report();
    const size_t dash = name.find('-');
    const std::string group = name.substr(0, dash), what = name.substr(dash + 1);
    if (group == "train") {
      // A target too small for the shots fails before any training, not at
      // the transfer stages after all of it (a target still to be generated
      // is checked there).
      if (plan_.target_data.generate.kind.empty() || fs::exists(plan_.target_data.root / "labels.json"))
        check_transfer_target(plan_.target_data.root, plan_.shots);
      return train(what);
    }
    if (group == "evaluate") return evaluate(what);
    if (group == "transfer") return transfer(what);
    if (group == "frame") return frame_baseline(what);
    GRAIN_THROW("reproduce: unknown stage " << name);
  }

  // Opening the data generates it when the config asks for a synthetic set
  // and the folder has none (train/dataset_setup.h).
  void generate(const DataSpec& spec, LoadSettings load, bool given) {
    if (given) {
      GRAIN_CHECK(fs::is_directory(spec.root), "dataset " << spec.root.string() << " is not a folder");
      say("using the given dataset " + spec.root.string() + " (nothing generated)");
    }
    load.threads = o_.threads;
    open_training_data(spec, load, o_.out / "stages" / "unused-vocabulary.json");
  }

  void train(const std::string& task) {
    TrainerOptions options;
    options.resume = "auto";  // continues an interrupted run folder; a fresh one starts at step 0
    options.quiet = o_.quiet;
    const RunSummary s = run_training(plan_.configs.at(task), plan_.config_yaml.at(task), options);
    if (s.reason == StopReason::kSignal) return stop(s.stop_signal);
    GRAIN_CHECK(s.reason == StopReason::kFinished,
                "reproduce: training " << task << " stopped after non-finite steps; see " << s.run_dir.string());
  }

  // Table 5's analogue: the 2D channel per frame with an MLP (middle frame;
  // every frame, predictions averaged) or an LSTM, on the fine-grained
  // categories with the FG run's data and budget.
  void frame_baseline(const std::string& name) {
    const nlohmann::json m = train_frame_baseline(plan_.configs.at("fg_classes"), frame_baseline_kind(name),
                                                  o_.out / "baselines" / "frames" / name, plan_.frame_hidden, o_.quiet);
    say(name + ": top-1 " + m.at(metrics::kTop1).dump() + "%");
  }

  void evaluate(const std::string& task) {
    TrainerOptions options;
    options.eval_only = true;
    options.eval_out = eval_dir(task);
    options.quiet = o_.quiet;
    evaluate_checkpoint_run(plan_.configs.at(task), options);
  }

  // The supplement's template baseline (data/metrics/template_baseline.h),
  // for both caption granularities, filled in for the category the
  // fine-grained classifier predicts, as the paper does.
  void template_baseline() {
    const TrainerConfig& c = plan_.configs.at("fg_classes");
    const data::Annotations annotations = data::Annotations::load(data::DatasetLayout::detect(c.dataset_root));
    const std::vector<std::string>& categories = annotations.category_names();
    const fs::path predictions = eval_dir("fg_classes") / ("predictions-" + c.eval_split + ".jsonl");
    const metrics::Predictions read = metrics::read_predictions(predictions, static_cast<int>(categories.size()));
    GRAIN_CHECK(read.has_classes, "template baseline: " << predictions.string() << " has no \"class\"");
    std::map<std::string, int> predicted;
    for (const metrics::Prediction& p : read.rows) predicted[p.id] = *p.category;
    nlohmann::json out = nlohmann::json::object();
    for (const data::CaptionView view : {data::CaptionView::kSimplified, data::CaptionView::kFull}) {
      const metrics::TemplateBaseline baseline = metrics::template_baseline(view, annotations.split(c.train_split));
      std::vector<std::string> hypotheses, references;
      for (const auto& v : annotations.split(c.eval_split)) {
        const auto it = predicted.find(v.id);
        if (it == predicted.end()) continue;  // left out of the evaluation (a bad video)
        hypotheses.push_back(baseline.caption(it->second, categories[static_cast<size_t>(it->second)]));
        references.push_back(data::caption_text(view, v));
      }
      GRAIN_CHECK(!hypotheses.empty(), "template baseline: no predictions of " << predictions.string()
                                                                              << " match the " << c.eval_split << " split");
      nlohmann::json scores = nlohmann::json::object();
      for (const auto& [name, value] : metrics::metric_values(metrics::score_captions(hypotheses, references)))
        scores[name] = value;
      out[view == data::CaptionView::kSimplified ? "so_captions" : "fg_captions"] = pick_metrics(scores, true);
    }
    write_json(o_.out / "baselines" / "template.json", out);
  }

  void transfer(const std::string& source) {
    TransferOptions t;
    t.checkpoint = source == "random" ? "random" : (o_.out / "runs" / source).string();
    t.architecture = o_.out / "runs" / "fg_classes";
    t.target = plan_.target_data.root;
    t.shots = plan_.shots;
    t.runs = plan_.runs;
    t.seed = 0;
    t.probe.epochs = plan_.probe_epochs;
    t.extract.device = o_.device;
    t.extract.threads = o_.threads;
    t.out = transfer_dir(source);
    t.preprocessing_pin = o_.out / "transfer" / "preprocessing.json";
    const TransferResult r = run_transfer(t);
    write_json(t.out / "transfer.json", r.json);
    say(source + ":\n" + transfer_table(r.json));
  }

  void report() {
    nlohmann::json results;
    results["preset"] = plan_.preset;
    nlohmann::json source = nlohmann::json::object();
    for (const data::TaskLabels& task : data::source_tasks())
      source[task.task] = pick_metrics(read_json(eval_dir(task.task) / "summary.json").at("metrics"), task.captioning());
    results["source"] = source;
    results[metrics::kTemplateBaselineSection] = read_json(o_.out / "baselines" / "template.json");
    nlohmann::json frames = nlohmann::json::object();
    for (const std::string& f : kFrameBaselines)
    {
      const nlohmann::json summary = read_json(o_.out / "baselines" / "frames" / f / "summary.json");
      frames[f] = summary.at("metrics");
      frames[f]["hidden"] = summary.at("hidden");
    }
    results["frame_baselines"] = frames;
    nlohmann::json sources = nlohmann::json::object();
    for (const std::string& s : transfer_source_names()) sources[s] = read_json(transfer_dir(s) / "transfer.json");
    results["transfer"] = {{"target", plan_.target_data.root.string()},
                           {"chance", sources["fg_classes"]["chance"]},
                           {"sources", sources}};
    write_json(o_.out / "results.json", results);
    ReportContext context;
    context.preset = plan_.preset;
    context.source_data = plan_.configs.at("fg_classes").dataset_root;
    context.target_data = plan_.target_data.root;
    context.synthetic_source = o_.source_data.empty();
    context.synthetic_target = o_.target_data.empty();
    context.device = config_name(plan_.configs.at("fg_classes").device);
    for (const std::string& task : source_task_names()) {
      context.run_dirs[task] = o_.out / "runs" / task;
      context.loss_weights[task] = {plan_.configs.at(task).loss.classification, plan_.configs.at(task).loss.caption};
    }
    write_report(o_.out, results, context);
  }

  const ReproduceOptions& o_;
  Plan plan_;
  ReproduceSummary summary_;
};

}  // namespace

std::vector<std::string> reproduce_stage_names() {
  std::vector<std::string> names{"generate-source", "generate-target"};
  for (const std::string& t : source_task_names()) names.push_back("train-" + t);
  for (const std::string& t : source_task_names()) names.push_back("evaluate-" + t);
  for (const std::string& f : kFrameBaselines) names.push_back("frame-" + f);
  names.push_back("template-baseline");
  for (const std::string& t : transfer_source_names()) names.push_back("transfer-" + t);
  names.push_back("report");
  return names;
}

ReproduceSummary run_reproduce(const ReproduceOptions& options) { return Reproduction(options).run(); }

TrainerConfig reproduce_task_config(const ReproduceOptions& options, const std::string& task,
                                    std::string* config_yaml) {
  const Plan plan = make_plan(options);
  GRAIN_CHECK(plan.configs.count(task), "reproduce: no source task " << task);
  if (config_yaml) *config_yaml = plan.config_yaml.at(task);
  return plan.configs.at(task);
}

}  // namespace grain
