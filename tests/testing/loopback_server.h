// Serves one gRPC service on a free loopback port, for tests and benchmarks
// that host a server (a devchain's ledger, most often) in their own process.
#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>

namespace parley::testing_support {

// The server, with `*port` set to the port it listens on (0 if it could not
// start, and then the server is null).
inline std::unique_ptr<grpc::Server> ServeOnLoopback(grpc::Service* service, int* port) {
  grpc::ServerBuilder builder;
  *port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), port);
  builder.RegisterService(service);
  return builder.BuildAndStart();
}

}  // namespace parley::testing_support
