// defines: the stop flag (see stop_request.h)
#include "train/stop_request.h"

#include <atomic>
#include <csignal>

namespace grain {

namespace {

std::atomic<int> g_stop_signal{0};
std::atomic<bool> g_stop_requested{false};

void on_stop_signal(int signal) {
  request_stop(signal);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace

void request_stop(int signal) {
  g_stop_signal = signal;
  g_stop_requested = true;
}

bool stop_requested() { return g_stop_requested.load(); }

int stop_signal() { return g_stop_signal.load(); }

void clear_stop_request() {
  g_stop_requested = false;
  g_stop_signal = 0;
}

StopRequested::StopRequested(const std::string& where, int signal)
    : std::runtime_error("stopped by " + (signal > 0 ? "signal " + std::to_string(signal) : std::string("request")) +
                         " during " + where),
      signal_(signal) {}

void throw_if_stop_requested(const std::string& where) {
  if (stop_requested()) throw StopRequested(where, stop_signal());
}

void install_stop_signal_handlers() {
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

}  // namespace grain
