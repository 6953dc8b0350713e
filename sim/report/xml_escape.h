#pragma once
// Escapes text for XML and HTML (SVG labels, report.html): & < > and double quotes.
#include <string>

namespace tessera {

inline std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else if (c == '"') out += "&quot;";
    else out += c;
  }
  return out;
}

}  // namespace tessera
