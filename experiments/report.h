// defines: grain::ReportContext, write_report, figure4_svg, curves_svg, transfer_ordering_statement
//
// The reproduction's report, from results.json: report.md (the paper's
// tables 2, 4 and 5 and figure 4 beside the measured numbers, the paper's
// labelled as such and measured on the real data), figure4.svg (grouped bars
// per k, one per source, 95% error bars, chance as a line) and curves.svg
// (the validation top-1 of each source run against the step), and
// figure4.png through rsvg-convert when it is installed. Plain SVG
// written by hand: no plotting dependency.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <string>

namespace grain {

struct ReportContext {
  std::string preset, device;
  std::filesystem::path source_data, target_data;
  bool synthetic_source = true, synthetic_target = true;
  std::map<std::string, std::filesystem::path> run_dirs;  // per task: its metrics.jsonl gives the curve
  std::map<std::string, std::pair<double, double>> loss_weights;  // per task: classification, caption
};

// Writes report.md, figure4.svg and curves.svg into out.
void write_report(const std::filesystem::path& out, const nlohmann::json& results, const ReportContext& context);

// Grouped bars of results["transfer"]["sources"] (figure 4).
std::string figure4_svg(const nlohmann::json& transfer);

// The ordering found per k and whether neighbours' confidence intervals
// separate, against the claim CG < FG < SO < FC; one line per k.
std::string transfer_ordering_statement(const nlohmann::json& transfer);

// Validation top-1 against step for each run folder's metrics.jsonl.
std::string curves_svg(const std::map<std::string, std::filesystem::path>& run_dirs);

}  // namespace grain
