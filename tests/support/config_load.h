#pragma once
// Loading a config in a test and keeping the refusal's message.
#include <string>
#include <vector>

namespace tessera::test {

// The InputError message loading `path` with `overrides` gives, or "no error".
std::string config_load_error(const std::string& path, const std::vector<std::string>& overrides = {});

}  // namespace tessera::test
