// formats_write_samples DIR: writes DIR/grain_written.safetensors, a
// checkpoint DIR/run/ckpt-3 and an event file under DIR/tb, for the
// development-time check that the reference Python packages load what grain
// writes (tests/fixtures/formats/check_with_python.py). Not a test.
#include <cstring>
#include <iostream>
#include <vector>

#include "data/common/error.h"
#include "data/formats/checkpoint_folder.h"
#include "data/formats/safetensors.h"
#include "data/formats/tensorboard_writer.h"

using namespace grain::formats;

namespace {

template <typename T>
std::string raw(const std::vector<T>& values) {
  std::string out(values.size() * sizeof(T), '\0');
  std::memcpy(out.data(), values.data(), out.size());
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: formats_write_samples DIR\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  try {
    std::filesystem::create_directories(dir);
    // Values the Python check recomputes: conv weight i * 0.25 - 1 in
    // (Cout=2, Cin=3, kT=1, kH=2, kW=2), bias [0.5, -0.5], step 7, ids 0..4.
    std::vector<float> conv(2 * 3 * 1 * 2 * 2);
    for (size_t i = 0; i < conv.size(); ++i) conv[i] = static_cast<float>(i) * 0.25f - 1.f;
    SafetensorsFile file;
    file.tensors = {{"encoder.conv1.weight", "F32", {2, 3, 1, 2, 2}, raw(conv)},
                    {"encoder.conv1.bias", "F32", {2}, raw(std::vector<float>{0.5f, -0.5f})},
                    {"step", "I64", {}, raw(std::vector<int64_t>{7})},
                    {"ids", "I32", {5}, raw(std::vector<int32_t>{0, 1, 2, 3, 4})},
                    {"scale", "F64", {1}, raw(std::vector<double>{0.1})},
                    {"half", "F16", {2}, std::string("\x00\x3c\x00\xc0", 4)}};  // 1.0, -2.0
    file.metadata = {{"writer", "grain"}};
    write_safetensors(dir / "grain_written.safetensors", file);
    write_checkpoint(dir / "run", 3, {{"model.safetensors", encode_safetensors(file)}, {"state.json", "{\"step\": 3}"}});

    TensorBoardWriter writer(dir / "tb");
    for (int step = 1; step <= 5; ++step) {
      writer.add_scalar("train/loss", 1.0f / static_cast<float>(step), step);
      writer.add_scalar("val/accuracy", 0.1f * static_cast<float>(step), step);
    }
    writer.flush();
    std::cout << "wrote " << dir / "grain_written.safetensors" << ", " << dir / "run" << " and " << writer.path()
              << "\n";
  } catch (const grain::data::DataError& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  return 0;
}
