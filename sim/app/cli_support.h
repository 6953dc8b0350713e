#pragma once
// What every subcommand shares: option parsing that turns bad flags into InputError, and the guard that
// maps exceptions to exit codes with one clear message.
#include <functional>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

namespace tessera::app {

namespace po = boost::program_options;

// Parses argv (argv[0] is the command name) into `vm`; bad or unknown flags throw InputError. Returns false
// when --help was given (the help text has been printed).
bool parse_options(int argc, char** argv, const po::options_description& options,
                   const po::positional_options_description* positional, po::variables_map& vm,
                   const std::string& usage);

// Runs `body`, printing "tessera <command>: <message>" for errors: 2 for bad input, 1 for anything else.
int guarded(const std::string& command, const std::function<int()>& body);

// Silences SystemC's start-up banner so that stdout carries only results.
void quiet_systemc_banner();

}  // namespace tessera::app
