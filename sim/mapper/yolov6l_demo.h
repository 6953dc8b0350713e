#pragma once
// What tt-metal's YOLOv6-L demo (models/demos/yolov6l/tt/ in github.com/tenstorrent/tt-metal) sets in its own
// model code, per module, for a trace scripts/gen_yolov6.py generated for the L model (the ops are named by
// the model's module paths). Facts read from the demo's sources; docs/mapping.md, "Programs ttnn runs between
// convs" and "Conv sharding op by op".
#include <string>

#include "sim/workload/graph.h"
#include "sim/workload/memory_config.h"

namespace tessera {

// A gen_yolov6.py trace of the L model, the one the demo ports.
bool is_yolov6l_demo_graph(const Graph& g);

// The convs the demo builds with reshape=True (Yolov6l_Conv2D, common.py): after each it runs
// sharded_to_interleaved, an untilize and a reshape.
bool yolov6l_conv_reshapes(const std::string& conv_name);

// The op that reads the demo's clone of a conv's handed-on output, or "": ttnn_csprep_bifpanneck.py clones
// the neck's Rep_n3 output (pan_out1, after its cv3) with ttnn.clone for the head, whose stems[1] reads the
// clone while the neck's downsample1 reads the original; ttnn_cspbep_backbone.py clones ERBlock_4.1's output
// for the neck (Bifusion0's cv1) while ERBlock_5.0 reads the original.
std::string yolov6l_clone_reader(const std::string& conv_name);

// A BottleRep's residual add (ttnn_bottlerep.py), before which the demo copies alpha * x to x_conv2's memory
// config when the two differ.
bool yolov6l_bottlerep_add(const std::string& op_name);

// A BiFusion's concat (ttnn_bifusion.py), before which the demo copies cv1's and the downsample's outputs to
// the upsample's memory config when they differ, and whose output it height shards on the upsample's grid.
bool yolov6l_bifusion_concat(const std::string& op_name);

// The convs the demo builds with deallocate_activation=True; ttnn's conv2d then moves the halo's output
// (Conv2dConfig reallocate_halo_output, true by default, acts only with deallocate_activation).
bool yolov6l_conv_deallocates_activation(const std::string& conv_name);

// The BepC3 concats (ttnn_bepc3.py), whose two inputs the demo copies to L1 interleaved first.
bool yolov6l_bepc3_concat(const std::string& op_name);

// The SPPF's concat (ttnn_sppf.py), whose four inputs the demo takes to L1 interleaved and untilizes first.
bool yolov6l_sppf_concat(const std::string& op_name);

// The shard layout the demo gives a conv: Yolov6l_Conv2D's default height sharding unless the block names
// block sharding (the ERBlock_4 and ERBlock_5 downsamples, all of ERBlock_5.1 and of the neck's Rep_n4, the
// SPPF's two convs, the head's third stem and its cls and reg convs).
MemoryLayout yolov6l_conv_layout(const std::string& conv_name);

}  // namespace tessera
