// The summary statistics every benchmark prints, defined once so their tables compare: the mean,
// and the nearest-rank percentile (the value below which a share q of the samples fall).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

namespace moodtape::bench {

inline double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / static_cast<double>(v.size());
}

// q in [0, 1]; 0 for no samples.
inline double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(q * static_cast<double>(v.size())))];
}

}  // namespace moodtape::bench
