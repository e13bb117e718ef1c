// defines: identity_differences, is_identity_key, flat_config (see run_identity.h)
#include "train/run_identity.h"

#include <yaml-cpp/yaml.h>

#include <map>
#include <set>

#include "engine/error.h"

namespace grain {

namespace {

// "a.b" -> scalar text, for every scalar of a nested YAML map.
void flatten(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) flatten(kv.second, prefix.empty() ? kv.first.as<std::string>()
                                                                   : prefix + "." + kv.first.as<std::string>(), out);
  } else if (node.IsScalar()) {
    out[prefix] = node.Scalar();
  } else if (node.IsNull()) {
    out[prefix] = "";
  }
}

std::map<std::string, std::string> flat(const std::string& yaml, const char* which) {
  return flat_config(yaml, std::string("resume: the ") + which + " config");
}

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

std::map<std::string, std::string> flat_config(const std::string& yaml, const std::string& source) {
  try {
    std::map<std::string, std::string> out;
    flatten(YAML::Load(yaml), "", out);
    return out;
  } catch (const YAML::Exception& e) {
    GRAIN_THROW(source << " is not valid YAML: " << e.what());
  }
}

bool is_identity_key(const std::string& key) {
  static const std::set<std::string> dataset_exceptions{"dataset.eval_split", "dataset.max_eval_videos",
                                                        "dataset.max_bad_fraction", "dataset.bad_eval_videos"};
  if (key == "task" || key == "train.batch_size" || key == "train.seed" || key == "optimizer.lr") return true;
  if (starts_with(key, "model.")) return true;
  return starts_with(key, "dataset.") && !dataset_exceptions.count(key);
}

std::vector<ConfigDifference> identity_differences(const std::string& checkpoint_yaml,
                                                   const std::string& current_yaml) {
  const auto before = flat(checkpoint_yaml, "checkpoint's"), now = flat(current_yaml, "current");
  std::set<std::string> keys;
  for (const auto& [k, v] : before) keys.insert(k);
  for (const auto& [k, v] : now) keys.insert(k);
  std::vector<ConfigDifference> out;
  for (const std::string& k : keys) {
    if (!is_identity_key(k)) continue;
    const auto a = before.find(k), b = now.find(k);
    const std::string va = a == before.end() ? "(absent)" : a->second, vb = b == now.end() ? "(absent)" : b->second;
    if (va != vb) out.push_back({k, va, vb});
  }
  return out;
}

}  // namespace grain
