// defines: grain::data::DataError (and, from kernels/error.h, grain::Error, SourceSite)
//
// DataError: the exception of the data pipeline, a grain::Error. Callers that
// replace bad videos catch DataError only; anything else (std::bad_alloc,
// logic errors, the engine's errors) propagates. The message carries the
// throw site's file:line (a default argument evaluated at the call site, see
// kernels/error.h) followed by what names the file, entry or field at fault:
//   "data/ssv2/annotations.cpp:120: train.json entry 5 (id \"78687\"): template ... not in labels.json"
#pragma once

#include <string>

#include "kernels/error.h"  // defines: grain::Error, grain::SourceSite

namespace grain::data {

using grain::SourceSite;

class DataError : public Error {
 public:
  explicit DataError(const std::string& message, SourceSite where = SourceSite::current()) : Error(message, where) {}
};

}  // namespace grain::data
