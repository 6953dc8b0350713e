#include "sim/app/cli_support.h"

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "sim/base/errors.h"

namespace tessera::app {

bool parse_options(int argc, char** argv, const po::options_description& options,
                   const po::positional_options_description* positional, po::variables_map& vm,
                   const std::string& usage) {
  try {
    po::command_line_parser parser(argc, argv);
    parser.options(options);
    // Without a positional description boost accepts stray words silently; an empty one refuses them.
    const po::positional_options_description none;
    parser.positional(positional ? *positional : none);
    po::store(parser.run(), vm);
    if (vm.count("help")) {
      std::cout << usage << "\n" << options;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw InputError(std::string(e.what()) + " (see --help)");
  }
  return true;
}

int guarded(const std::string& command, const std::function<int()>& body) {
  try {
    return body();
  } catch (const InputError& e) {
    std::fprintf(stderr, "tessera %s: %s\n", command.c_str(), e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tessera %s: internal error: %s\n", command.c_str(), e.what());
    return 1;
  }
}

void quiet_systemc_banner() { ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1); }

}  // namespace tessera::app
