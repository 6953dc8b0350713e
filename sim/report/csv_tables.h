#pragma once
// The CSV tables written next to report.json (columns in docs/report.md): one row per op, per core and per
// NoC link. Values come from the report and the run digest, so the CSVs agree with report.json.
#include <string>

#include <nlohmann/json.hpp>

#include "sim/report/run_digest.h"

namespace tessera {

std::string layers_csv(const nlohmann::json& report);
std::string cores_csv(const nlohmann::json& report, const RunDigest& digest);
std::string links_csv(const RunDigest& digest);

// A CSV field: quoted when it holds a comma, quote or newline.
std::string csv_field(const std::string& s);

}  // namespace tessera
