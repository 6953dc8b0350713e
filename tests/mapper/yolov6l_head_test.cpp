// The head programs of tt-metal's YOLOv6-L demo (models/demos/yolov6l/tt/ttnn_detect.py, TtDetect.__call__),
// counted from its source, inserted into the shipped L trace (scripts/gen_yolov6.py). docs/mapping.md,
// "Programs ttnn runs between convs".
#include <catch2/catch.hpp>

#include <map>

#include "sim/mapper/tt_metal_inserted_ops.h"
#include "sim/workload/trace_reader.h"

using namespace tessera;

namespace {

bool in_head(const std::string& name) { return name.rfind("detect.", 0) == 0; }

const Op* find_op(const Graph& g, const std::string& name) {
  for (const Op& op : g.ops)
    if (op.name == name) return &op;
  return nullptr;
}

}  // namespace

TEST_CASE("the YOLOv6-L demo's head runs its permutes, tilizes and sharded_to_interleaved", "[mapper]") {
  const Graph trace = read_trace(TESSERA_SOURCE_DIR "/traces/yolov6_v3_l_640.json");
  const Graph g = insert_tt_metal_programs(trace, ComputeGrid{8, 8}).graph;
  std::map<OpType, int> head;
  for (const Op& op : g.ops)
    if (in_head(op.name)) ++head[op.type];
  // ttnn_detect.py per scale: permute (0, 3, 1, 2) of reg_preds' [1, H, W, 68], permute (0, 1, 3, 2) of the
  // tilized [1, 4, 17, HW], permute (0, 3, 1, 2) of the projection's [1, 4, HW, 1]; then one permute
  // (0, 2, 1) of the concatenated [1, 4, 8400]: 3 x 3 + 1 = 10 (the trace's transpose of the scores is
  // not among them: the demo's scores are [1, HW, 80] already).
  CHECK(head[OpType::transpose] == 10);
  // Eight to_layout(TILE): of the three DFL inputs, of the two box corners, and of the three class scores,
  // which ttnn's conv returns tiled already (no program): 5 tilize programs.
  CHECK(head[OpType::tilize] == 5);
  // sharded_to_interleaved: after each reg_preds and projection (reshape=True) and of each score: 9.
  CHECK(head[OpType::reshard] == 9);
  // Untilizes only after the reshape=True convs (reg_preds, projection), not after cls_preds.
  CHECK(head[OpType::untilize] == 6);
  CHECK(find_op(g, "detect.cls_preds.0.conv.untilize") == nullptr);

  // Shapes at the 80 x 80 scale (HW = 6400).
  const Op* p1 = find_op(g, "detect.reg_preds.0.conv.permute");
  REQUIRE(p1);
  CHECK(g.output(*p1).shape == std::vector<int64_t>{1, 68, 80, 80});
  CHECK(!g.output(*p1).image);
  CHECK(g.output(*p1).layout == TensorLayout::row_major);
  const Op* t1 = find_op(g, "detect.decode.0.dfl_reshape.tilize");
  REQUIRE(t1);
  CHECK(g.output(*t1).shape == std::vector<int64_t>{1, 4, 17, 6400});
  CHECK(g.output(*t1).layout == TensorLayout::tile);
  const Op* p2 = find_op(g, "detect.decode.0.dfl_transpose");
  REQUIRE(p2);
  CHECK(p2->attrs["perm"] == nlohmann::json({0, 1, 3, 2}));
  CHECK(g.input(*p2, 0).name == t1->name);
  const Op* p3 = find_op(g, "detect.decode.0.proj_conv.permute");
  REQUIRE(p3);
  CHECK(g.output(*p3).shape == std::vector<int64_t>{1, 1, 4, 6400});
  // The scores: sigmoid, then sharded_to_interleaved into the concat of [1, HW, 80] along dim 1.
  const Op* s2i = find_op(g, "detect.decode.0.cls_sigmoid.sharded_to_interleaved");
  REQUIRE(s2i);
  CHECK(g.output(*s2i).shape == std::vector<int64_t>{1, 80, 80, 80});
  const Op* scores = find_op(g, "detect.cls_concat");
  REQUIRE(scores);
  CHECK(g.output(*scores).shape == std::vector<int64_t>{1, 8400, 80});
  CHECK(g.input(*scores, 0).name == s2i->name);
  CHECK(find_op(g, "detect.cls_transpose") == nullptr);
  CHECK(find_op(g, "detect.decode.0.cls_reshape") == nullptr);
  const Op* corner = find_op(g, "detect.lt.tilize");
  REQUIRE(corner);
  CHECK(g.output(*corner).shape == std::vector<int64_t>{1, 8400, 2});
  CHECK(g.input(*find_op(g, "detect.x1y1"), 1).name == corner->name);
}

TEST_CASE("the YOLOv6-L demo's ReLU convs run their ReLU and the neck clones Rep_n3's output for the head", "[mapper]") {
  const Graph trace = read_trace(TESSERA_SOURCE_DIR "/traces/yolov6_v3_l_640.json");
  const Graph g = insert_tt_metal_programs(trace, ComputeGrid{8, 8}).graph;
  // ttnn_bifusion.py and ttnn_csprep_bifpanneck.py build every conv a ReLU follows with activation="relu":
  // the ReLU is in the conv's program, so it comes right after its conv (where its pack applies it).
  int relus = 0;
  for (size_t i = 0; i < g.ops.size(); ++i) {
    if (g.ops[i].type != OpType::relu) continue;
    ++relus;
    REQUIRE(i > 0);
    CHECK(g.ops[i - 1].type == OpType::conv2d);
    CHECK(g.ops[i - 1].outputs[0] == g.ops[i].inputs[0]);
  }
  CHECK(relus == 12);  // reduce_layer0/1, downsample1/2, and cv1, cv2, cv3, downsample of both BiFusions
  // pan_out_1 = ttnn.clone(pan_out1): one copy of Rep_n3's row-major output, read by the head's stems[1]
  // alone; the neck's downsample1 reads the original.
  const Op* clone = find_op(g, "neck.Rep_n3.cv3.conv.clone");
  REQUIRE(clone);
  CHECK(clone->type == OpType::move);
  CHECK(g.input(*clone, 0).name == g.output(*find_op(g, "neck.Rep_n3.cv3.conv.untilize")).name);
  const Tensor& copy = g.output(*clone);
  REQUIRE(copy.consumers.size() == 1);
  CHECK(g.ops[size_t(copy.consumers[0])].name == "detect.stems.1.conv");
  CHECK(g.input(*find_op(g, "neck.downsample1.conv"), 0).name == g.input(*clone, 0).name);
}
