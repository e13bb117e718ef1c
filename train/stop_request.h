// defines: grain::request_stop, stop_requested, stop_signal, clear_stop_request,
//          StopRequested, throw_if_stop_requested, install_stop_signal_handlers — the one stop flag of a process
//
// SIGINT and SIGTERM set it (signal-safe: two lock-free atomics); a training
// run reads it after each step and stops there with a checkpoint. Other long
// work (evaluation, frame baselines, feature extraction, transfer draws, a
// pipeline's stages) calls throw_if_stop_requested() at its safe points:
// places where nothing is half-written, so whoever catches StopRequested can
// leave the work unfinished and a rerun redo or continue it. Nothing clears
// the flag but clear_stop_request(): a request made between two runs of one
// process stops the next one at its first safe point instead of being lost.
#pragma once

#include <stdexcept>
#include <string>

namespace grain {

// What throw_if_stop_requested() throws; not a grain::Error (a stop is not a failure).
class StopRequested : public std::runtime_error {
 public:
  StopRequested(const std::string& where, int signal);
  int signal() const { return signal_; }

 private:
  int signal_;
};

// Asks what is running to stop at its next safe point (signal-safe).
void request_stop(int signal = 0);
bool stop_requested();
// The signal of the request (0: none, or a request made without one).
int stop_signal();
// Forgets a request (a new run starts).
void clear_stop_request();
// Throws StopRequested naming `where` when a stop was requested.
void throw_if_stop_requested(const std::string& where);
// SIGINT and SIGTERM call request_stop(signal); a second one ends the process at once.
void install_stop_signal_handlers();

}  // namespace grain
