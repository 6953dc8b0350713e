#include "sim/system/system_chips.h"

#include <systemc>

#include "sim/mapper/mapper.h"
#include "sim/report/report.h"

namespace tessera::system {

// A parent for one chip's blocks: SystemC names its children "<name>.noc", "<name>.core_1_1_compute", ...
class ChipSet::ChipModule : public sc_core::sc_module {
 public:
  ChipModule(sc_core::sc_module_name name, const ArchConfig& config, const Plan& plan)
      : sc_core::sc_module(name), chip(config, plan) {}
  Chip chip;
};

ChipSet::ChipSet(std::vector<ChipJob> jobs) : jobs_(std::move(jobs)) {
  for (const ChipJob& j : jobs_) plans_.push_back(map_graph(*j.config, j.graph));
  for (size_t i = 0; i < jobs_.size(); ++i)
    modules_.push_back(std::make_unique<ChipModule>(jobs_[i].name.c_str(), *jobs_[i].config, plans_[i]));
}

ChipSet::~ChipSet() = default;

size_t ChipSet::compute_cores() const {
  size_t n = 0;
  for (const Plan& p : plans_) n += p.cores.size();
  return n;
}

std::vector<ChipJobResult> ChipSet::run() {
  sc_core::sc_start();
  std::vector<ChipJobResult> out;
  for (size_t i = 0; i < jobs_.size(); ++i) {
    ChipJobResult r;
    r.run = modules_[i]->chip.finish();
    r.report = build_report(*jobs_[i].config, jobs_[i].graph, plans_[i], r.run);
    r.plan = plans_[i];
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace tessera::system
