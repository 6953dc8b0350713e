#pragma once
// Bad input (config, trace, flag) is an InputError: the CLI prints its message and exits with code 2.
// Anything else that escapes is an internal error (exit code 1).
#include <stdexcept>
#include <string>

namespace tessera {

class InputError : public std::runtime_error {
 public:
  explicit InputError(const std::string& message) : std::runtime_error(message) {}
  InputError(const std::string& message, std::string json_path)
      : std::runtime_error(message), json_path_(std::move(json_path)) {}
  // The JSON path the error is about, when there is one ("/noc/link_bytes_per_cycle").
  const std::string& json_path() const { return json_path_; }

 private:
  std::string json_path_;
};

// "file: /json/path: what was expected, got X"
inline InputError input_error(const std::string& file, const std::string& json_path, const std::string& what) {
  return InputError(file + ": " + (json_path.empty() ? "/" : json_path) + ": " + what, json_path);
}

}  // namespace tessera
