# The project's two commands:
#   make quickstart   set up and run the main job (train the tiny preset on
#                     generated data: configs/quickstart.yaml)
#   make test         set up and run the fast default test set
# Both install missing Debian packages (tools/install_deps.sh), configure and
# build into build/ (Release, -O3; binaries in build/bin/), then run.
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: deps configure build test test-long quickstart bench-cpu-step bench-cpu-conv bench-gpu-step clean

deps:
	bash tools/install_deps.sh

configure: deps
	cmake -S . -B build -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: configure
	cmake --build build -j $(JOBS)

test: build
	cd build && ctest --output-on-failure -j $(JOBS) -LE long

test-long: build
	cd build && ctest --output-on-failure -j $(JOBS) -L long

quickstart: build
	./build/bin/trainer --config configs/quickstart.yaml

# The engine's CPU training step (tiny preset, both tasks, 1 and 2 threads)
# against PyTorch's, alternating: docs/performance.md. PyTorch (CPU) is
# optional: GRAIN_PYTHON=/path/to/venv/bin/python make bench-cpu-step
bench-cpu-step: configure
	cmake --build build -j $(JOBS) --target engine_bench
	python3 bench/compare_train_step.py

# Every conv layer of the tiny preset (both channels, forward and backward) against
# PyTorch's, 1 and 2 threads, alternating: bench/compare_conv_layers.py. PyTorch (CPU) is
# optional: GRAIN_PYTHON=/path/to/venv/bin/python make bench-cpu-conv
bench-cpu-conv: configure
	cmake --build build -j $(JOBS) --target engine_bench
	python3 bench/compare_conv_layers.py

# The engine's whole training step at the paper preset (both tasks) against PyTorch's
# (python/grain_torch.py's model in fp32, tf32, bf16 and torch.compile) on the same GPU,
# alternating: docs/performance.md. Needs the CUDA backend in build/ and PyTorch with CUDA
# (GRAIN_PYTHON=/path/to/venv/bin/python). On the GPU hosts, whose build is
# tools/gpu_check.sh's: GPU_CHECK_STEP_BENCH=1 tools/gpu_check.sh. Options of the
# comparison: make bench-gpu-step GPU_STEP_ARGS="--rounds 1 --modes fp32,bf16"
GPU_STEP_ARGS ?=
bench-gpu-step: configure
	cmake --build build -j $(JOBS) --target train_step_bench
	python3 bench/compare_gpu_train_step.py $(GPU_STEP_ARGS)

clean:
	rm -rf build
