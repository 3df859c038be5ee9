#include "parley/util/must.h"

#include <cerrno>  // program_invocation_short_name (glibc)
#include <cstdio>
#include <cstdlib>
#include <string>

namespace parley {

void ExitWith(std::string_view what, const Status& status) {
  std::fprintf(stderr, "%s: %s: %s\n", program_invocation_short_name, std::string(what).c_str(),
               status.ToString().c_str());
  std::exit(1);
}

}  // namespace parley
