// defines: identity_differences, is_identity_key, flat_config — is a resumed run the same run?
//
// A run's identity is what its checkpoints' numbers mean: the task, the data
// (every dataset.* key except how evaluation is done and how many bad videos
// are tolerated), the model (every model.* key), the global batch size, the
// seed, and the learning rate. Resuming with any of them changed would
// silently continue another experiment from this one's weights, so the
// trainer refuses it unless --resume-anyway is given.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace grain {

struct ConfigDifference {
  std::string key, checkpoint_value, current_value;
};

// The identity keys whose values differ between two effective configs (YAML).
std::vector<ConfigDifference> identity_differences(const std::string& checkpoint_yaml, const std::string& current_yaml);

// True for the keys that make a run's identity (see above).
bool is_identity_key(const std::string& key);

// Every scalar of a config (YAML) under its dotted key ("train.epochs" -> "4";
// a null is ""). Throws naming `source` when the text is not YAML.
std::map<std::string, std::string> flat_config(const std::string& yaml, const std::string& source);

}  // namespace grain
