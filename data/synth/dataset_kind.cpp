// Template helpers and the registry of dataset kinds.
#include "dataset_kind.h"

#include <stdexcept>

#include "kitchen_set.h"
#include "ss_set.h"

namespace grain::data::synth {

namespace {
const std::string kPlaceholder = "[something]";
}

std::string category_name(const std::string& t) {
  std::string s;
  for (char c : t)
    if (c != '[' && c != ']') s += c;
  return s;
}

int count_placeholders(const std::string& t) {
  int n = 0;
  for (size_t p = t.find(kPlaceholder); p != std::string::npos; p = t.find(kPlaceholder, p + 1)) ++n;
  return n;
}

std::string fill_template(const std::string& t, const std::vector<std::string>& placeholders) {
  if (count_placeholders(t) != static_cast<int>(placeholders.size()))
    throw std::invalid_argument("fill_template: '" + t + "' has " + std::to_string(count_placeholders(t)) +
                                " placeholders, got " + std::to_string(placeholders.size()) + " phrases");
  std::string out;
  size_t pos = 0, k = 0;
  for (size_t p = t.find(kPlaceholder); p != std::string::npos; p = t.find(kPlaceholder, pos)) {
    out += t.substr(pos, p - pos) + placeholders[k++];
    pos = p + kPlaceholder.size();
  }
  out += t.substr(pos);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::vector<std::string> dataset_kind_names() { return {"synth-ss", "synth-kitchen"}; }

std::unique_ptr<DatasetKind> make_dataset_kind(const std::string& name) {
  if (name == "synth-ss") return make_ss_set();
  if (name == "synth-kitchen") return make_kitchen_set();
  throw std::invalid_argument("unknown dataset kind '" + name + "' (expected synth-ss or synth-kitchen)");
}

}  // namespace grain::data::synth
