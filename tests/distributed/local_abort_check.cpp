// The local communicator's abort(): prints the message naming rank 0 of 1 and
// exits with status 1 at once (run_mpi_check.sh local-abort checks both).
#include "engine/distributed/communicator.h"

int main() {
  const std::unique_ptr<grain::distributed::Communicator> comm = grain::distributed::make_local_communicator();
  comm->abort("deliberate abort of the local abort test");
}
