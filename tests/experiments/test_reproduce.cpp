// reproduce --preset smoke end to end (in process, through the library the
// tool calls): every output and the results.json schema; a second run skips
// every stage and leaves results.json byte-identical; the report stage alone,
// rebuilt from the other stages' outputs, writes the same bytes; a training
// stage whose marker is missing continues its run folder instead of
// refusing it; a stop request at any stage ends at a safe point and a rerun
// continues to the same results.json; one process per output folder; a
// marker that no longer matches its stage's outputs runs the stage again.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <csignal>

#include <filesystem>
#include <set>
#include <sstream>

#include "data/common/file_io.h"
#include "kernels/sha256.h"
#include "engine/error.h"
#include "experiments/reproduce.h"
#include "train/run_lock.h"
#include "train/stop_request.h"
#include "train/trainer.h"

using namespace grain;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

TEST_CASE("reproduce --preset smoke: end to end, then every stage skipped and results.json byte-identical") {
  const fs::path dir = fs::temp_directory_path() / ("grain-reproduce-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  ReproduceOptions o;
  o.preset = "smoke";
  o.out = dir / "out";
  o.device = "cpu";
  o.threads = 1;  // on a busy 2-core machine 2 OpenMP threads ran it 6x slower (80 s against 13 s)
  o.quiet = true;
  const std::vector<std::string> stages = reproduce_stage_names();
  REQUIRE(stages.size() == 20);

  const ReproduceSummary first = run_reproduce(o);
  CHECK(first.ran == stages);
  CHECK(first.skipped.empty());
  for (const char* f : {"results.json", "report.md", "figure4.svg", "curves.svg", "timings.json"})
    CHECK(fs::file_size(o.out / f) > 0);
  const std::string results = data::read_text_file(o.out / "results.json");
  const nlohmann::json j = nlohmann::json::parse(results);
  CHECK(j["preset"] == "smoke");
  for (const char* task : {"cg_classes", "fg_classes", "so_captions", "fg_captions"}) {
    INFO(task);
    CHECK(j["source"][task]["top1"].is_number());
    CHECK(j["source"][task]["top5"].is_number());
  }
  for (const char* task : {"so_captions", "fg_captions"})
    for (const char* metric : {"bleu_4", "rouge_l", "meteor", "cider_d", "exact_match"}) {
      CHECK(j["source"][task][metric].is_number());
      CHECK(j["template_baseline"][task][metric].is_number());
    }
  for (const char* f : {"middle_frame_mlp", "frames_mean_mlp", "frames_lstm"}) {
    CHECK(j["frame_baselines"][f]["top1"].is_number());
    CHECK(j["frame_baselines"][f]["top5"].is_number());
  }
  CHECK(j["transfer"]["chance"].get<double>() == Approx(100.0 / 13));
  CHECK(j["transfer"]["target"].get<std::string>() == (o.out / "data" / "synth-kitchen").string());
  for (const char* s : {"cg_classes", "fg_classes", "so_captions", "fg_captions", "random"}) {
    INFO(s);
    const nlohmann::json& t = j["transfer"]["sources"][s];
    REQUIRE(t["results"].size() == 2);
    CHECK(t["results"][0]["shots"] == 1);
    CHECK(t["results"][1]["shots"] == 2);
    CHECK(t["results"][0]["runs"].size() == 3);
    // The same draws for every source.
    CHECK(t["results"][1]["runs"][2]["train_ids"] ==
          j["transfer"]["sources"]["fg_classes"]["results"][1]["runs"][2]["train_ids"]);
  }
  CHECK(results.find("seconds") == std::string::npos);
  const std::string report = data::read_text_file(o.out / "report.md");
  CHECK_THAT(report, Contains("CG < FG < SO < FC") && Contains("k = 1") && Contains("paper"));

  const ReproduceSummary second = run_reproduce(o);
  CHECK(second.ran.empty());
  CHECK(second.skipped == stages);
  CHECK(data::read_text_file(o.out / "results.json") == results);

  // The report stage alone, from the other stages' outputs: the same bytes.
  fs::remove(o.out / "results.json");
  fs::remove(o.out / "stages" / "report.done");
  o.only = "report";
  CHECK(run_reproduce(o).ran == std::vector<std::string>{"report"});
  CHECK(data::read_text_file(o.out / "results.json") == results);

  // A training stage without its marker continues its run folder (resume auto).
  fs::remove(o.out / "stages" / "train-cg_classes.done");
  o.only = "train";
  CHECK(run_reproduce(o).ran == std::vector<std::string>{"train-cg_classes"});

  o.only = "no-such-stage";
  CHECK_THROWS_WITH(run_reproduce(o), Contains("no such stage"));
  fs::remove_all(dir);
}

TEST_CASE("reproduce continues an interrupted training stage mid-training (the trainer's resume auto)") {
  const fs::path dir = fs::temp_directory_path() / ("grain-reproduce-resume-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  ReproduceOptions o;
  o.preset = "smoke";
  o.out = dir / "out";
  o.device = "cpu";
  o.threads = 1;
  o.quiet = true;
  o.only = "generate-source";
  run_reproduce(o);
  // An interrupted FG stage: its run folder stops at step 6 of 12 with a checkpoint, no marker.
  std::string yaml;
  TrainerConfig config = reproduce_task_config(o, "fg_classes", &yaml);
  CHECK(config.out_dir == o.out / "runs" / "fg_classes");
  config.max_steps = 6;
  TrainerOptions options;
  options.quiet = true;
  REQUIRE(run_training(config, yaml, options).steps == 6);
  REQUIRE(fs::exists(o.out / "runs" / "fg_classes" / "ckpt-6"));
  o.only = "train-fg_classes";
  CHECK(run_reproduce(o).ran == std::vector<std::string>{"train-fg_classes"});
  const nlohmann::json summary = nlohmann::json::parse(data::read_text_file(o.out / "runs" / "fg_classes" / "summary.json"));
  CHECK(summary["steps"] == 12);
  CHECK(summary["stop_reason"] == "finished");
  // Steps 7 to 12 were trained by the resumed run: metrics.jsonl holds each training step once.
  std::istringstream lines(data::read_text_file(o.out / "runs" / "fg_classes" / "metrics.jsonl"));
  std::vector<int64_t> train_steps;
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json j = nlohmann::json::parse(line);
    if (j["split"] == "train") train_steps.push_back(j["step"].get<int64_t>());
  }
  CHECK(std::set<int64_t>(train_steps.begin(), train_steps.end()).size() == train_steps.size());
  CHECK(train_steps.back() == 12);
  fs::remove_all(dir);
}

namespace {

ReproduceOptions smoke_options(const fs::path& out) {
  ReproduceOptions o;
  o.preset = "smoke";
  o.out = out;
  o.device = "cpu";
  o.threads = 1;
  o.quiet = true;
  return o;
}

std::vector<std::string> stages_before(const std::string& stage) {
  std::vector<std::string> before;
  for (const std::string& s : reproduce_stage_names()) {
    if (s == stage) break;
    before.push_back(s);
  }
  return before;
}

}  // namespace

TEST_CASE("reproduce stops at a safe point of any stage on SIGINT, marks nothing half-done, and a rerun continues") {
  const fs::path dir = fs::temp_directory_path() / ("grain-reproduce-stop-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  // results.json names the output folder (the target's path): compare with it replaced.
  const auto results_of = [](const fs::path& out) {
    std::string text = data::read_text_file(out / "results.json");
    for (size_t at; (at = text.find(out.string())) != std::string::npos;) text.replace(at, out.string().size(), "OUT");
    return text;
  };
  const std::string uninterrupted = [&] {
    const ReproduceOptions o = smoke_options(dir / "whole");
    run_reproduce(o);
    return results_of(o.out);
  }();

  ReproduceOptions o = smoke_options(dir / "stopped");
  std::string stop_at;
  o.before_stage = [&](const std::string& stage) {
    if (stage == stop_at) request_stop(SIGINT);
  };
  // Stages that stop inside (a training step, a frame baseline's step) and
  // short ones that finish first; every time the next stage must not start.
  for (const std::string stage :
       {"generate-source", "train-cg_classes", "evaluate-so_captions", "frame-frames_lstm", "template-baseline",
        "transfer-so_captions"}) {
    INFO(stage);
    stop_at = stage;
    const ReproduceSummary s = run_reproduce(o);
    clear_stop_request();
    CHECK(s.stopped);
    CHECK(s.stop_signal == SIGINT);
    const std::vector<std::string> before = stages_before(stage);
    std::vector<std::string> done_now = s.skipped;
    done_now.insert(done_now.end(), s.ran.begin(), s.ran.end());
    const bool finishes_first = stage == "evaluate-so_captions" || stage == "template-baseline";
    std::vector<std::string> expected = before;
    if (finishes_first) expected.push_back(stage);
    CHECK(done_now == expected);
    CHECK(fs::exists(o.out / "stages" / (stage + ".done")) == finishes_first);
  }
  stop_at.clear();
  const ReproduceSummary rest = run_reproduce(o);
  CHECK_FALSE(rest.stopped);
  CHECK(rest.skipped.size() + rest.ran.size() == reproduce_stage_names().size());
  CHECK(results_of(o.out) == uninterrupted);
  fs::remove_all(dir);
}

TEST_CASE("reproduce: one process per output folder; markers vouch for their outputs' bytes") {
  const fs::path dir = fs::temp_directory_path() / ("grain-reproduce-marker-test-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  ReproduceOptions o = smoke_options(dir / "out");
  run_reproduce(o);
  const std::string results = data::read_text_file(o.out / "results.json");

  {  // Another writer holds the folder: refused, naming it and its process.
    const RunLock other(o.out, "reproduce");
    CHECK_THROWS_WITH(run_reproduce(o), Contains("in use by another reproduce") &&
                                            Contains(std::to_string(::getpid())));
  }
  {  // The same for a transfer's output folder.
    const RunLock other(o.out / "transfer" / "cg_classes", "transfer");
    fs::remove(o.out / "stages" / "transfer-cg_classes.done");
    ReproduceOptions one = o;
    one.only = "transfer-cg_classes";
    CHECK_THROWS_WITH(run_reproduce(one), Contains("in use by another transfer"));
  }
  CHECK(run_reproduce(o).ran == std::vector<std::string>{"transfer-cg_classes"});

  // A truncated results.json under a present report marker: the report is redone.
  data::write_file_atomic(o.out / "results.json", results.substr(0, results.size() / 2));
  ReproduceSummary s = run_reproduce(o);
  CHECK(s.ran == std::vector<std::string>{"report"});
  CHECK(data::read_text_file(o.out / "results.json") == results);

  // A damaged timings.json is a warning and a fresh record, not an error.
  data::write_file_atomic(o.out / "timings.json", "[1, 2]\n");
  fs::remove(o.out / "stages" / "report.done");
  CHECK(run_reproduce(o).ran == std::vector<std::string>{"report"});
  CHECK(nlohmann::json::parse(data::read_text_file(o.out / "timings.json")).is_object());

  // An edited evaluation output: that stage runs again, and so do the stages
  // reading it (its summary.json records the evaluation's wall time, so its
  // marker changes); the results are the same bytes.
  const fs::path predictions = o.out / "eval" / "fg_classes" / "predictions-validation.jsonl";
  const std::string original = data::read_text_file(predictions);
  data::write_file_atomic(predictions, original + "\n");
  s = run_reproduce(o);
  CHECK(s.ran == std::vector<std::string>{"evaluate-fg_classes", "template-baseline", "report"});
  CHECK(data::read_text_file(predictions) == original);
  CHECK(data::read_text_file(o.out / "results.json") == results);

  // A marker that records no hashes (an older version's empty file) vouches for nothing.
  data::write_file_atomic(o.out / "stages" / "template-baseline.done", "");
  s = run_reproduce(o);
  CHECK(s.ran == std::vector<std::string>{"template-baseline"});
  CHECK(data::read_text_file(o.out / "results.json") == results);

  // An upstream stage redone with other outputs makes its readers run again.
  const fs::path template_json = o.out / "baselines" / "template.json";
  nlohmann::json t = nlohmann::json::parse(data::read_text_file(template_json));
  t["edited"] = true;
  data::write_file_atomic(template_json, t.dump(2) + "\n");
  nlohmann::json marker = nlohmann::json::parse(data::read_text_file(o.out / "stages" / "template-baseline.done"));
  marker["outputs"]["baselines/template.json"] = kernels::sha256_hex(data::read_text_file(template_json));
  data::write_file_atomic(o.out / "stages" / "template-baseline.done", marker.dump(2) + "\n");
  s = run_reproduce(o);
  CHECK(s.ran == std::vector<std::string>{"report"});
  fs::remove_all(dir);
}
