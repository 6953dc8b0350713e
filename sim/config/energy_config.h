#pragma once
// Energy per action (pJ) and static power (mW), Accelergy-style. Read from the JSON section "energy".
#include <array>

namespace tessera {

struct EnergyConfig {
  // One multiply-accumulate on the matrix unit, per data format (fp32, bf16, fp16, bfp8, bfp4, bfp2) at
  // LoFi; each further fidelity phase costs the same again.
  std::array<double, 6> mac_pj{0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
  double vector_op_pj = 0;          // one 32-lane vector instruction
  // Vector instructions per 32x32 tile through the vector unit: 1024 values over 32 lanes, one op each.
  double vector_instructions_per_tile = 32;
  double sram_read_pj_per_byte = 0;
  double sram_write_pj_per_byte = 0;
  double noc_router_pj_per_flit = 0;
  double noc_link_pj_per_flit = 0;
  double compress_pj_per_byte = 0;
  double decompress_pj_per_byte = 0;
  double reshape_pj_per_byte = 0;
  double dram_pj_per_byte = 0;
  double core_static_mw = 0;       // leakage of one compute core at the nominal voltage; scales with V
  // Clock tree, idle RISC-V cores and always-on logic of one compute core at the nominal voltage and clock:
  // drawn whether the core works or not, scales with V^2 x clock.
  double core_clock_mw = 0;
  double router_static_mw = 0;     // leakage of one NoC router at the nominal voltage; scales with V
  double dram_channel_static_mw = 0;
};

}  // namespace tessera
