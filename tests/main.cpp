// The test program's entry point. SystemC's library supplies main() and calls sc_main, so Catch2's session
// starts from here.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

extern "C" int sc_main(int argc, char** argv) { return Catch::Session().run(argc, argv); }
