// report.html of a multi-chip run: the system picture (chips on their grid, links coloured by use) and
// the tables of report.json (system_run.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "sim/report/xml_escape.h"
#include "sim/system/system_run.h"

namespace tessera::system {
namespace {

constexpr double kCell = 250, kBoxW = 180, kBoxH = 90, kMargin = 50;

std::string num(double v, int digits = 1) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// Unused links grey; used ones from yellow (little) to red (busy all the run).
std::string colour(double utilisation) {
  if (utilisation <= 0) return "#c8c8c8";
  const double u = std::min(1.0, utilisation);
  return "hsl(" + num(55 * (1 - u), 0) + ",90%," + num(55 - 15 * u, 0) + "%)";
}

std::string picture(const SystemConfig& s, const nlohmann::json& r) {
  std::map<std::pair<int, bool>, double> use;  // (link, a_to_b) -> utilisation
  for (const auto& l : r["ethernet"]) {
    const int link = l["link"];
    const bool a_to_b = l["from"][0].get<int>() == s.links[size_t(link)].a.chip;
    use[{link, a_to_b}] = l["utilisation"].get<double>();
  }
  const double w = kMargin * 2 + (s.cols - 1) * kCell + kBoxW, h = kMargin * 2 + (s.rows - 1) * kCell + kBoxH;
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(w, 0) + "\" height=\"" + num(h, 0) +
                    "\" font-family=\"sans-serif\" font-size=\"12\">\n";
  const auto centre = [&](int device) {
    const GridPos p = s.position_of[size_t(device)];
    return std::make_pair(kMargin + p.x * kCell + kBoxW / 2, kMargin + p.y * kCell + kBoxH / 2);
  };
  std::map<std::pair<int, int>, int> seen;  // links drawn per pair so far, for their offsets
  for (size_t i = 0; i < s.links.size(); ++i) {
    const EthLink& l = s.links[i];
    const auto [ax, ay] = centre(l.a.chip);
    const auto [bx, by] = centre(l.b.chip);
    const int k = seen[{std::min(l.a.chip, l.b.chip), std::max(l.a.chip, l.b.chip)}]++;
    const double off = (k - 1.5) * 8;
    const double u = std::max(use[{int(i), true}], use[{int(i), false}]);
    const bool neighbours = std::abs(ax - bx) + std::abs(ay - by) <= kCell + 1;
    const double dx = ay == by ? 0 : off, dy = ay == by ? off : 0;
    std::string path;
    if (neighbours) {
      path = "M" + num(ax + dx) + "," + num(ay + dy) + " L" + num(bx + dx) + "," + num(by + dy);
    } else {  // a wrap-around link: an arc outside the grid
      const double bulge = ay == by ? -(kBoxH / 2 + 25 + k * 8) : -(kBoxW / 2 + 25 + k * 8);
      const double cx = (ax + bx) / 2 + (ay == by ? 0 : bulge), cy = (ay + by) / 2 + (ay == by ? bulge : 0);
      path = "M" + num(ax) + "," + num(ay) + " Q" + num(cx) + "," + num(cy) + " " + num(bx) + "," + num(by);
    }
    out += "<path d=\"" + path + "\" fill=\"none\" stroke=\"" + colour(u) + "\" stroke-width=\"5\"><title>link " +
           std::to_string(i) + ": " + std::to_string(l.a.chip) + " - " + std::to_string(l.b.chip) + ", " + num(100 * u) +
           "% busy (the busier direction)</title></path>\n";
  }
  for (const auto& d : r["devices"]) {
    const int device = d["device"];
    const auto [cx, cy] = centre(device);
    const double busy = d["busy"].get<double>();
    out += "<rect x=\"" + num(cx - kBoxW / 2) + "\" y=\"" + num(cy - kBoxH / 2) + "\" width=\"" + num(kBoxW) +
           "\" height=\"" + num(kBoxH) + "\" rx=\"6\" fill=\"#f4f7fb\" stroke=\"#345\"/>\n";
    out += "<rect x=\"" + num(cx - kBoxW / 2) + "\" y=\"" + num(cy + kBoxH / 2 - 10) + "\" width=\"" + num(kBoxW * busy) +
           "\" height=\"10\" fill=\"#4a7\"/>\n";
    out += "<text x=\"" + num(cx) + "\" y=\"" + num(cy - 12) + "\" text-anchor=\"middle\" font-weight=\"bold\">device " +
           std::to_string(device) + "</text>\n";
    out += "<text x=\"" + num(cx) + "\" y=\"" + num(cy + 6) + "\" text-anchor=\"middle\">" +
           xml_escape(d["chip"].get<std::string>()) + ", " + num(100 * busy) + "% busy</text>\n";
  }
  return out + "</svg>\n";
}

}  // namespace

std::string system_html(const SystemConfig& s, const nlohmann::json& r) {
  const double us_per_cycle = 1e-3 / r["clock_ghz"].get<double>();
  std::string out = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + xml_escape(r["workload"].get<std::string>()) +
                    " on " + xml_escape(r["system"].get<std::string>()) + "</title>\n<style>body{font-family:sans-serif;margin:2em}"
                    "table{border-collapse:collapse}td,th{padding:2px 10px;text-align:right}th{border-bottom:1px solid #888}"
                    "td.l,th.l{text-align:left}</style></head><body>\n";
  out += "<h1>" + xml_escape(r["workload"].get<std::string>()) + " on " + xml_escape(r["system"].get<std::string>()) + "</h1>\n";
  out += "<p>mapper.parallel=" + xml_escape(r["parallel"].get<std::string>()) + ", schedule " +
         xml_escape(r["schedule"].get<std::string>()) + ": " + num(double(r["total_cycles"].get<uint64_t>()) * us_per_cycle / 1e3, 3) +
         " ms simulated (" + std::to_string(r["total_cycles"].get<uint64_t>()) + " cycles), of which collectives " +
         std::to_string(r["collective_cycles"].get<uint64_t>()) + " cycles.</p>\n";
  for (const auto& n : r["notes"]) out += "<p>" + xml_escape(n.get<std::string>()) + "</p>\n";
  out += "<h2>System</h2>\n<p>Chips on their grid, the green bar each chip's busy share of the run; each Ethernet link "
         "coloured by the utilisation of its busier direction (grey: unused).</p>\n" + picture(s, r);
  out += "<h2>Stages</h2>\n<table><tr><th>stage</th><th>start (us)</th><th>slowest chip (cycles)</th><th class=\"l\">then</th></tr>\n";
  for (const auto& st : r["stages"]) {
    uint64_t slowest = 0;
    for (const auto& c : st["chips"]) slowest = std::max(slowest, c["cycles"].get<uint64_t>());
    std::string then;
    for (const auto& c : st["collectives"])
      then += xml_escape(c["op"].get<std::string>() + " of " + c["tensor"].get<std::string>()) + " (" +
              std::to_string(c["bytes_per_chip"].get<uint64_t>()) + " B per chip, " + std::to_string(c["cycles"].get<uint64_t>()) +
              " cycles)<br>";
    out += "<tr><td>" + std::to_string(st["stage"].get<int>()) + "</td><td>" +
           num(double(st["start_cycle"].get<uint64_t>()) * us_per_cycle, 2) + "</td><td>" + std::to_string(slowest) +
           "</td><td class=\"l\">" + then + "</td></tr>\n";
  }
  out += "</table>\n<h2>Chips</h2>\n<table><tr><th>device</th><th>busy cycles</th><th>idle cycles</th><th>busy</th><th>GMACs</th></tr>\n";
  for (const auto& d : r["devices"])
    out += "<tr><td>" + std::to_string(d["device"].get<int>()) + "</td><td>" + std::to_string(d["busy_cycles"].get<uint64_t>()) +
           "</td><td>" + std::to_string(d["idle_cycles"].get<uint64_t>()) + "</td><td>" + num(100 * d["busy"].get<double>()) +
           "%</td><td>" + num(d["macs"].get<double>() / 1e9, 2) + "</td></tr>\n";
  out += "</table>\n<h2>Ethernet</h2>\n<table><tr><th>link</th><th class=\"l\">direction</th><th>payload bytes</th><th>busy cycles</th>"
         "<th>utilisation</th></tr>\n";
  for (const auto& l : r["ethernet"])
    out += "<tr><td>" + std::to_string(l["link"].get<int>()) + "</td><td class=\"l\">" + l["from"].dump() + " &rarr; " +
           l["to"].dump() + "</td><td>" + std::to_string(l["payload_bytes"].get<uint64_t>()) + "</td><td>" +
           std::to_string(l["busy_cycles"].get<uint64_t>()) + "</td><td>" + num(100 * l["utilisation"].get<double>()) + "%</td></tr>\n";
  return out + "</table>\n</body></html>\n";
}

}  // namespace tessera::system
