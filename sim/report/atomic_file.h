#pragma once
// Writes files whole or not at all: the text goes to a temporary file beside the target, which is renamed
// over it only when complete, so an interrupted run never leaves a half-written report.
#include <string>

namespace tessera {

void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace tessera
