// defines: grain::Progress — the human side of the run log on stderr
//
// On a terminal, one line rewritten in place (epoch, step, clips/s, loss,
// ETA); otherwise (a file, CI) plain lines at the logging interval, so logs
// stay readable. Messages (validation results, checkpoints) always get their
// own line.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace grain {

class Progress {
 public:
  explicit Progress(int64_t total_steps);
  // A training step finished; prints when due (every step on a terminal, every `every` steps otherwise).
  void step(int64_t step, int64_t epoch, int64_t epochs, double loss, double clips_per_second, double lr,
            int64_t every);
  // A line of its own (clears the progress line first on a terminal).
  void message(const std::string& text);
  void finish();

 private:
  int64_t total_;
  bool terminal_;
  bool line_open_ = false;
  std::chrono::steady_clock::time_point start_;
  int64_t first_step_ = -1;
};

std::string format_duration(double seconds);  // "1h02m", "3m12s", "12s"

}  // namespace grain
