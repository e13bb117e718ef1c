// The report's statement about figure 4: the ordering found per k and
// whether neighbouring confidence intervals separate, on hand-made results.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "experiments/report.h"

using namespace grain;
using Catch::Matchers::Contains;

namespace {

nlohmann::json source(double mean, double ci) {
  return {{"results", {{{"shots", 5}, {"mean", mean}, {"ci95", ci}, {"runs", nlohmann::json::array()}}}}};
}

nlohmann::json transfer(double cg, double fg, double so, double fc, double ci) {
  return {{"target", "kitchen"},
          {"chance", 100.0 / 13},
          {"sources",
           {{"cg_classes", source(cg, ci)},
            {"fg_classes", source(fg, ci)},
            {"so_captions", source(so, ci)},
            {"fg_captions", source(fc, ci)},
            {"random", source(9, 1)}}}};
}

}  // namespace

TEST_CASE("figure 4 statement: the claimed ordering, shown or not, and separated intervals") {
  // 20 < 30 < 40 < 50 with half-widths 2: shown, every neighbour separated.
  const std::string shown = transfer_ordering_statement(transfer(20, 30, 40, 50, 2));
  CHECK_THAT(shown, Contains("k = 5") && Contains("found CG 20.00 < FG 30.00 < SO 40.00 < FC 50.00") &&
                        Contains("shown by the means") && Contains("CG vs FG separated") &&
                        Contains("SO vs FC separated") && Contains("random encoder 9.00 +- 1.00"));
  // FG above SO, half-widths 6: not shown; 30 +- 6 and 40 +- 6 overlap (24-36, 34-46).
  const std::string not_shown = transfer_ordering_statement(transfer(20, 42, 40, 50, 6));
  CHECK_THAT(not_shown, Contains("found CG 20.00 < SO 40.00 < FG 42.00 < FC 50.00") && Contains("**not** shown") &&
                            Contains("FG vs SO overlapping") && Contains("CG vs FG separated"));
  const std::string svg = figure4_svg(transfer(20, 30, 40, 50, 2));
  CHECK_THAT(svg, Contains("<svg") && Contains("k = 5") && Contains("chance 7.7%") && Contains("FC") &&
                      Contains("test accuracy (%)"));
}
