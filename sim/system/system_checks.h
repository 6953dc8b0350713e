#pragma once
// Checks that a system's parts agree: every port used by one link, links only between neighbouring
// devices of the grid, every neighbouring pair connected, one clock. Also numbers the routing planes.
#include "sim/system/system_config.h"

namespace tessera::system {

// Which grid neighbour `b` is of `a`: 0 = +x (east), 1 = -x (west), 2 = +y (south), 3 = -y (north), with
// wrap-around on the axes that have it; -1 when they are not neighbours. On a 1-D wrapped axis of 3 both
// directions could apply; +x / +y wins.
int direction_between(const SystemConfig& s, int a, int b);

// Throws InputError naming the system file and the JSON path; sets each link's plane.
void check_system_config(SystemConfig& s);

}  // namespace tessera::system
