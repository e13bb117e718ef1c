// defines: grain::request_stop, stop_requested, stop_signal, clear_stop_request,
//          install_stop_signal_handlers — the one stop flag of a process
//
// SIGINT and SIGTERM set it (signal-safe: two lock-free atomics); a training
// run reads it after each step and stops there with a checkpoint. Anything
// else that runs long (a pipeline's stages) may read it at its own safe
// points.
#pragma once

namespace grain {

// Asks what is running to stop at its next safe point (signal-safe).
void request_stop(int signal = 0);
bool stop_requested();
// The signal of the request (0: none, or a request made without one).
int stop_signal();
// Forgets a request (a new run starts).
void clear_stop_request();
// SIGINT and SIGTERM call request_stop(signal); a second one ends the process at once.
void install_stop_signal_handlers();

}  // namespace grain
