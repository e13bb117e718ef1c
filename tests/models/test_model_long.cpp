// Long runs of the model (ctest label `long`; `make test-long`).
#include <catch2/catch.hpp>

#include "engine/autograd.h"
#include "models/video_model.h"

using namespace grain;

TEST_CASE("the paper preset's encoder at 48x96x96 yields (N, 48, 512) features and a 1024-wide h", "[models][long]") {
  const ModelConfig c = model_preset("paper");
  ParameterStore store;
  VideoEncoder encoder(store, "encoder", c);
  store.materialize();
  encoder.reset_parameters(1);
  NoGradGuard no_grad;
  const Tensor clip = Tensor::uniform({1, 48, 96, 96, 3}, 0, 1, 2);
  CHECK(encoder.features(clip, {false, 0}).shape() == Shape{1, 48, 512});
}

