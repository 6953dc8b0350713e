// The copies tt-metal's YOLOv6-L demo runs where two memory configs differ (models/demos/yolov6l/tt/:
// Yolov6l_Conv2D's reshard_if_not_optimal in common.py, ttnn_bottlerep.py, ttnn_bifusion.py) and the halo
// moves of its convs built with deallocate_activation=True, counted by hand from the demo's code for one
// BepC3 block of the shipped L trace. docs/mapping.md, "Programs ttnn runs between convs".
#include <catch2/catch.hpp>

#include <string>

#include "sim/config/config_loader.h"
#include "sim/mapper/demo_memory_config.h"
#include "sim/mapper/tt_metal_conv_rules.h"
#include "sim/mapper/tt_metal_inserted_ops.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;

namespace {

bool starts_with(const std::string& s, const std::string& head) { return s.rfind(head, 0) == 0; }
bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

Graph lowered_yolov6l() {
  const ArchConfig config =
      load_arch_config(TESSERA_SOURCE_DIR "/configs/wormhole_n150.json", {"mapper.schedule=op_by_op"});
  const Graph trace = read_trace(TESSERA_SOURCE_DIR "/traces/yolov6_v3_l_640.json");
  return insert_tt_metal_programs(apply_tt_metal_conv_rules(config, trace), ComputeGrid{8, 8}).graph;
}

int count(const Graph& g, const std::string& block, const std::string& tail) {
  int n = 0;
  for (const Op& op : g.ops)
    if (starts_with(op.name, block) && ends_with(op.name, tail)) ++n;
  return n;
}

const Op* find_op(const Graph& g, const std::string& name) {
  for (const Op& op : g.ops)
    if (op.name == name) return &op;
  return nullptr;
}

}  // namespace

TEST_CASE("a conv's input shards as ttnn sizes them", "[mapper]") {
  // A 3x3 stride-2 conv from 160 x 160 x 128 to 80 x 80 x 128, height sharded on 50 cores: its input's
  // 25,600 rows padded to 50 tile rows (1,600) and split, 512 a core; 128 channels, four whole tiles.
  ConvGeometry c;
  c.n = 1, c.c = 128, c.h = 160, c.w = 160, c.k = 128, c.ho = 80, c.wo = 80;
  ConvParallelConfig p;
  p.layout = MemoryLayout::height_sharded;
  p.cores_nhw = 50;
  const ShardConfig in = conv_input_config(c, p), out = conv_output_config(c, p);
  CHECK(in.shard_rows == 512);
  CHECK(in.shard_cols == 128);
  CHECK(out.shard_rows == 128);  // 6,400 output rows over 50 cores
  CHECK(in != out);
  CHECK(needs_copy(std::nullopt, out));  // L1 interleaved to shards
  CHECK(!needs_copy(out, out));
  CHECK(!needs_copy(std::nullopt, std::nullopt));
}

TEST_CASE("the YOLOv6-L demo's copies and halo moves in ERBlock_3.1 and where layouts change", "[mapper]") {
  const Graph g = lowered_yolov6l();
  const std::string block = "backbone.ERBlock_3.1.";
  // TtBepC3 (n=12): cv1 and cv2 each read ERBlock_3.0's output, which reshape=True left L1 interleaved, and
  // each conv2d shards it itself: 2 interleaved_to_sharded; cv3 reads the concat's L1 interleaved output: 1.
  CHECK(count(g, block, ".interleaved_to_sharded") == 3);
  CHECK(find_op(g, block + "cv1.conv.interleaved_to_sharded"));
  CHECK(find_op(g, block + "cv2.conv.interleaved_to_sharded"));
  CHECK(find_op(g, block + "cv3.conv.interleaved_to_sharded"));
  // Its RepBlock runs n // 2 = 6 BottleReps (conv1, block.0-4), all height sharded at 80 x 80 with 128
  // channels: each cv1 reads x as it is held, each cv2 cv1's output; alpha * x keeps x's config (ttnn's legacy
  // binary path puts the larger operand first), the same as x_conv2's, so no to_memory_config before the adds.
  CHECK(count(g, block + "m.", ".reshard") == 0);
  CHECK(count(g, block + "m.", ".to_memory_config") == 0);
  // Each BottleRep's cv2 has deallocate_activation=True: its halo's output is moved, 6 moves.
  CHECK(count(g, block, ".halo.move") == 6);
  // The 80 x 80 convs run on 50 cores (200 tile rows): the copy runs on the shards it writes.
  const Op* copy = find_op(g, block + "cv1.conv.interleaved_to_sharded");
  REQUIRE(copy);
  CHECK(copy->type == OpType::reshard);
  CHECK(copy->cores == 50);
  CHECK(copy->program.shard_layout == "height");
  // Rep_n4 is block sharded while its input, the neck's concat, is height sharded on the downsample's grid:
  // cv1 and cv2 each reshard it.
  CHECK(find_op(g, "neck.Rep_n4.cv1.conv.reshard"));
  CHECK(find_op(g, "neck.Rep_n4.cv2.conv.reshard"));
  // Bifusion1's downsample reads cv2's 160 x 160 output, held on 62 cores (800 tile rows; 62 is the largest
  // count <= 64 padding them by less than a share, 806 - 800 < 13), while it shards its input on the 50 of its
  // 80 x 80 output: a reshard. Its cv1, its cv2 and the upsample find nothing to copy before the concat.
  CHECK(find_op(g, "neck.Bifusion1.downsample.conv.reshard"));
  CHECK(count(g, "neck.Bifusion1.concat", ".to_memory_config.1") == 0);
  CHECK(count(g, "neck.Bifusion1.concat", ".to_memory_config.2") == 0);
  // The halo moves over the network: the stem, the 45 BottleReps' cv2 (RepBlocks of 3, 6, 9 and 3 in the
  // backbone, 6 in each of the neck's four BepC3), the two BiFusion downsamples and the head's three
  // reg_convs (its cls_convs keep their input): 51.
  CHECK(count(g, "detect.", ".halo.move") == 3);
  CHECK(count(g, "", ".halo.move") == 51);
  // The head's third stem, cls and reg convs are block sharded (ttnn_detect.py): the convs read the stem's
  // output as it is held; the preds (height sharded by default) reshard theirs.
  CHECK(!find_op(g, "detect.cls_convs.2.conv.reshard"));
  CHECK(find_op(g, "detect.cls_preds.2.conv.reshard"));
  CHECK(find_op(g, "detect.reg_preds.2.conv.reshard"));
  // The backbone clones ERBlock_4.1's output for the neck's Bifusion0 cv1.
  const Op* clone = find_op(g, "backbone.ERBlock_4.1.cv3.conv.clone");
  REQUIRE(clone);
  const Op* reader = find_op(g, "neck.Bifusion0.cv1.conv.interleaved_to_sharded");
  REQUIRE(reader);
  CHECK(g.input(*reader, 0).name == g.output(*clone).name);
}
