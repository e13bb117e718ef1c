// Minimal thread-safe logging for the data pipeline (stderr, one line per call).
// Design: the data libraries must not depend on the engine, so they carry their
// own two-function logger.
#pragma once

#include <string>

namespace grain::data {

enum class LogLevel { kInfo, kWarning };

// Writes "[data] warning: <message>" (or "[data] <message>" for kInfo) to stderr.
void log_message(LogLevel level, const std::string& message);
inline void log_warning(const std::string& message) { log_message(LogLevel::kWarning, message); }
inline void log_info(const std::string& message) { log_message(LogLevel::kInfo, message); }

}  // namespace grain::data
