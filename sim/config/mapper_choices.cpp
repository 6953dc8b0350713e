#include "sim/config/mapper_choices.h"

namespace tessera {

namespace {
const std::vector<std::pair<ConvAlgorithm, const char*>> kConvNames = {
    {ConvAlgorithm::im2col, "im2col"}, {ConvAlgorithm::winograd2, "winograd2"},
    {ConvAlgorithm::winograd4, "winograd4"}, {ConvAlgorithm::direct, "direct"},
    {ConvAlgorithm::sliding_window, "sliding_window"}};
const std::vector<std::pair<Placement, const char*>> kPlacementNames = {
    {Placement::layer_by_layer, "layer_by_layer"}, {Placement::pipelined, "pipelined"}};
const std::vector<std::pair<Schedule, const char*>> kScheduleNames = {
    {Schedule::fused, "fused"}, {Schedule::op_by_op, "op_by_op"}};
const std::vector<std::pair<Parallel, const char*>> kParallelNames = {
    {Parallel::data, "data"}, {Parallel::tensor, "tensor"}, {Parallel::expert, "expert"}, {Parallel::pipeline, "pipeline"}};
const std::vector<std::pair<OpByOpRules, const char*>> kOpByOpRulesNames = {
    {OpByOpRules::trace, "trace"}, {OpByOpRules::tt_metal_cnn, "tt_metal_cnn"}};

template <typename E>
std::optional<E> find(const std::vector<std::pair<E, const char*>>& names, const std::string& s) {
  for (const auto& [e, n] : names)
    if (s == n) return e;
  return std::nullopt;
}
template <typename E>
const char* name_of(const std::vector<std::pair<E, const char*>>& names, E e) {
  for (const auto& [x, n] : names)
    if (x == e) return n;
  return "?";
}
template <typename E>
std::vector<std::string> all(const std::vector<std::pair<E, const char*>>& names) {
  std::vector<std::string> out;
  for (const auto& entry : names) out.push_back(entry.second);
  return out;
}
}  // namespace

const char* to_string(ConvAlgorithm a) { return name_of(kConvNames, a); }
const char* to_string(Placement p) { return name_of(kPlacementNames, p); }
std::optional<ConvAlgorithm> parse_conv_algorithm(const std::string& s) { return find(kConvNames, s); }
std::optional<Placement> parse_placement(const std::string& s) { return find(kPlacementNames, s); }
std::vector<std::string> conv_algorithm_names() { return all(kConvNames); }
std::vector<std::string> placement_names() { return all(kPlacementNames); }
const char* to_string(Schedule s) { return name_of(kScheduleNames, s); }
std::optional<Schedule> parse_schedule(const std::string& s) { return find(kScheduleNames, s); }
std::vector<std::string> schedule_names() { return all(kScheduleNames); }
const char* to_string(Parallel p) { return name_of(kParallelNames, p); }
std::optional<Parallel> parse_parallel(const std::string& s) { return find(kParallelNames, s); }
std::vector<std::string> parallel_names() { return all(kParallelNames); }
const char* to_string(OpByOpRules r) { return name_of(kOpByOpRulesNames, r); }
std::optional<OpByOpRules> parse_op_by_op_rules(const std::string& s) { return find(kOpByOpRulesNames, s); }
std::vector<std::string> op_by_op_rules_names() { return all(kOpByOpRulesNames); }

}  // namespace tessera
