# Every dependency is a Debian 12 package (scripts/setup installs them).
# Nothing is downloaded at configure, build or run time.
find_package(PkgConfig REQUIRED)
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)            # Multiprecision (header-only)
find_package(OpenSSL 3 REQUIRED)             # SHA-256, secure randomness
find_package(spdlog REQUIRED)
find_package(CLI11 REQUIRED)
find_package(RocksDB REQUIRED)
pkg_check_modules(SECP256K1 REQUIRED IMPORTED_TARGET libsecp256k1)
pkg_check_modules(CRYPTOPP REQUIRED IMPORTED_TARGET libcrypto++)  # Keccak-256
find_package(Protobuf REQUIRED)              # peer wire and client API messages
find_package(gRPC CONFIG REQUIRED)           # their transport; grpc_cpp_plugin generates stubs
find_package(nlohmann_json 3 REQUIRED)       # Ethereum JSON-RPC messages (Boost.Beast carries them)

if(PARLEY_BUILD_TESTS)
  find_package(GTest REQUIRED)
  find_package(benchmark REQUIRED)
  include(GoogleTest)
endif()
