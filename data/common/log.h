// Minimal thread-safe logging for the data pipeline (stderr, one line per call).
// Design: the data libraries must not depend on the engine, so they carry their
// own two-function logger; a sink can be installed by the trainer to route
// warnings into the run's log.
#pragma once

#include <functional>
#include <string>

namespace grain::data {

enum class LogLevel { kInfo, kWarning };

// Writes "[data] warning: <message>" to stderr (or to the installed sink).
void log_message(LogLevel level, const std::string& message);
inline void log_warning(const std::string& message) { log_message(LogLevel::kWarning, message); }
inline void log_info(const std::string& message) { log_message(LogLevel::kInfo, message); }

// Replaces the destination of all data-pipeline log lines; nullptr restores stderr.
void set_log_sink(std::function<void(LogLevel, const std::string&)> sink);

}  // namespace grain::data
