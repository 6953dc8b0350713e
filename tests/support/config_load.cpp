#include "tests/support/config_load.h"

#include "sim/base/errors.h"
#include "sim/config/config_loader.h"

namespace tessera::test {

std::string config_load_error(const std::string& path, const std::vector<std::string>& overrides) {
  try {
    load_arch_config(path, overrides);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace tessera::test
