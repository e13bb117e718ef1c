// defines: open_run (see run_setup.h)
#include "train/run_setup.h"

#include <omp.h>

#include <algorithm>

#include "data/metrics/classification_accuracy.h"
#include "data/ssv2/label_view.h"
#include "engine/device.h"
#include "engine/error.h"
#include "models/model_io.h"
#include "train/checkpointing.h"

namespace grain {

namespace {

std::vector<int> classes_of(const data::TaskLabels& task, const std::vector<data::VideoLabel>& videos) {
  std::vector<int> classes;
  for (const auto& v : videos) classes.push_back(data::class_index(task.classes, v));
  return classes;
}

}  // namespace

RunSetup open_run(const TrainerConfig& c, const std::filesystem::path& vocabulary_file,
                  distributed::Communicator* comm, int cuda_device) {
  const int rank = comm ? comm->rank() : 0, world = comm ? comm->world_size() : 1;
  RunSetup r;
  // Default: every core. Loader workers mostly wait (decoding is a small
  // part of a CPU step) and OpenMP threads no longer spin inside OpenBLAS
  // (kernels/cpu/gemm.cpp): on 2 cores with 1 worker, 2 compute threads ran
  // the quick start at 38-46 clips/s against 33-36 with 1 (docs/performance.md).
  r.threads = c.threads > 0 ? c.threads : std::max(1, omp_get_num_procs());
  omp_set_num_threads(r.threads);  // OpenBLAS stays single-threaded: kernels/cpu/gemm.cpp splits GEMMs
  r.device = parse_device(c.device, cuda_device);  // "cuda": this process's GPU
  GRAIN_CHECK(!r.device.is_cuda() || cuda_device_count() > 0,
              "device cuda: " << (cuda_is_built() ? "no GPU is present" : "this build has no CUDA backend")
                              << " (pass --device cpu, or use configs/tiny/ for CPU-sized runs)");
  GRAIN_CHECK(!r.device.is_cuda() || cuda_device < cuda_device_count(),
              "device cuda: process " << rank << " of " << world << " wants GPU " << cuda_device << " but "
                                      << cuda_device_count()
                                      << " are visible (its local rank, or GRAIN_CUDA_DEVICE; docs/distributed.md)");
  // Rank 0 generates a missing dataset and writes the vocabulary; the others then read them.
  if (world > 1 && rank != 0) comm->barrier();
  r.data = open_training_data(c, vocabulary_file, rank, world);
  if (world > 1 && rank == 0) comm->barrier();
  ModelConfig model_config = c.model;
  model_config.num_classes = r.data.num_classes;
  model_config.vocabulary = r.data.vocabulary ? r.data.vocabulary->size() : 0;
  r.chance_accuracy = 100.0 / static_cast<double>(r.data.num_classes);
  r.majority_accuracy = metrics::majority_class_accuracy_percent(classes_of(r.data.task, r.data.train_videos),
                                                                  classes_of(r.data.task, r.data.eval_videos));
  r.store = std::make_unique<ParameterStore>(DType::kFloat32);
  r.model = std::make_unique<VideoModel>(*r.store, model_config);
  r.store->materialize(r.device);
  r.model->reset_parameters(c.seed);
  // Transfer (model.init_from / model.freeze): only encoder.* is read from
  // the source run, so its heads (another task's) are never touched. A
  // resumed run then restores its own checkpoint over these weights.
  if (!c.init_from.empty()) {
    load_model_weights(evaluation_checkpoint(c.init_from) / "model.safetensors", *r.store, "encoder.");
  }
  if (c.freeze_encoder)
    GRAIN_CHECK(r.store->set_frozen("encoder.", true) > 0, "model.freeze: encoder: the model has no encoder parameters");
  return r;
}

}  // namespace grain
