#include "services/emotion/core/va_regressor.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace moodtape::emotion {
namespace {

using platform::ErrorCode;
using platform::MakeError;
using platform::Result;
using platform::Status;

constexpr char kMagic[8] = {'M', 'T', 'V', 'A', 'v', '1', '\n', '\0'};

uint64_t Fnv1a(std::string_view s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::vector<std::string_view> SplitSpaces(const std::string& s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    const size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) out.emplace_back(s.data() + start, i - start);
  }
  return out;
}

// Solves (X^T X + l2 I) w = X^T y for one or more right-hand sides sharing X.
std::vector<double> SolveRidge(const std::vector<std::vector<std::pair<uint32_t, double>>>& rows,
                               size_t dims, const std::vector<double>& y, double l2,
                               int max_iterations) {
  auto apply = [&](const std::vector<double>& v, std::vector<double>& out) {
    std::fill(out.begin(), out.end(), 0.0);
    for (const auto& row : rows) {
      double dot = 0.0;
      for (const auto& [j, x] : row) dot += x * v[j];
      for (const auto& [j, x] : row) out[j] += x * dot;
    }
    for (size_t j = 0; j < dims; ++j) out[j] += l2 * v[j];
  };
  std::vector<double> b(dims, 0.0);
  for (size_t i = 0; i < rows.size(); ++i) {
    for (const auto& [j, x] : rows[i]) b[j] += x * y[i];
  }
  std::vector<double> w(dims, 0.0), r = b, p = b, ap(dims);
  double rr = 0.0;
  for (double v : r) rr += v * v;
  const double stop = rr * 1e-12;
  for (int it = 0; it < max_iterations && rr > stop; ++it) {
    apply(p, ap);
    double pap = 0.0;
    for (size_t j = 0; j < dims; ++j) pap += p[j] * ap[j];
    if (pap <= 0.0) break;
    const double alpha = rr / pap;
    double rr_new = 0.0;
    for (size_t j = 0; j < dims; ++j) {
      w[j] += alpha * p[j];
      r[j] -= alpha * ap[j];
      rr_new += r[j] * r[j];
    }
    const double beta = rr_new / rr;
    for (size_t j = 0; j < dims; ++j) p[j] = r[j] + beta * p[j];
    rr = rr_new;
  }
  return w;
}

}  // namespace

nlohmann::json RegressorParams::ToJson() const {
  return {{"method", "ridge regression over hashed n-grams (conjugate gradient)"},
          {"hash_bits", hash_bits},
          {"l2", l2},
          {"bigrams", bigrams},
          {"char_ngrams", char_ngrams},
          {"max_iterations", max_iterations}};
}

Result<RegressorParams> RegressorParams::FromJson(const nlohmann::json& j) {
  RegressorParams p;
  try {
    p.hash_bits = j.value("hash_bits", p.hash_bits);
    p.l2 = j.value("l2", p.l2);
    p.bigrams = j.value("bigrams", p.bigrams);
    p.char_ngrams = j.value("char_ngrams", p.char_ngrams);
    p.max_iterations = j.value("max_iterations", p.max_iterations);
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("regressor hyper-parameters: ") + e.what());
  }
  if (p.hash_bits < 8 || p.hash_bits > 24) {
    return MakeError(ErrorCode::kInvalidArgument, "regressor hash_bits must be in 8..24");
  }
  return p;
}

std::vector<std::pair<uint32_t, double>> VaRegressor::Features(
    const std::string& normalized) const {
  const uint64_t mask = (uint64_t{1} << params_.hash_bits) - 1;
  std::map<uint32_t, double> counts;
  const auto tokens = SplitSpaces(normalized);
  for (size_t i = 0; i < tokens.size(); ++i) {
    counts[static_cast<uint32_t>(Fnv1a(tokens[i], Fnv1a("w1")) & mask)] += 1.0;
    if (params_.bigrams && i + 1 < tokens.size()) {
      uint64_t h = Fnv1a(tokens[i], Fnv1a("w2"));
      h = Fnv1a(" ", h);
      h = Fnv1a(tokens[i + 1], h);
      counts[static_cast<uint32_t>(h & mask)] += 1.0;
    }
    if (params_.char_ngrams >= 3 && tokens[i].size() >= 3) {
      const std::string w = "<" + std::string(tokens[i]) + ">";
      for (size_t n = 3; n <= static_cast<size_t>(params_.char_ngrams); ++n) {
        for (size_t s = 0; s + n <= w.size(); ++s) {
          counts[static_cast<uint32_t>(Fnv1a(std::string_view(w).substr(s, n), Fnv1a("c")) &
                                       mask)] += 0.5;
        }
      }
    }
  }
  std::vector<std::pair<uint32_t, double>> out(counts.begin(), counts.end());
  double norm = 0.0;
  for (const auto& [j, v] : out) norm += v * v;
  norm = std::sqrt(norm);
  if (norm > 0.0) {
    for (auto& [j, v] : out) v /= norm;
  }
  return out;
}

VaRegressor VaRegressor::Train(const std::vector<ScoredText>& examples,
                               const RegressorParams& params) {
  VaRegressor m;
  m.params_ = params;
  if (examples.empty()) return m;
  for (const auto& ex : examples) m.mean_valence_ += ex.valence, m.mean_arousal_ += ex.arousal;
  m.mean_valence_ /= static_cast<double>(examples.size());
  m.mean_arousal_ /= static_cast<double>(examples.size());

  // Re-index the buckets that occur so the solver works on a dense, small vector.
  std::unordered_map<uint32_t, uint32_t> dense_index;
  std::vector<uint32_t> bucket_of;
  std::vector<std::vector<std::pair<uint32_t, double>>> rows;
  rows.reserve(examples.size());
  for (const auto& ex : examples) {
    auto f = m.Features(ex.text);
    for (auto& [j, v] : f) {
      auto [it, inserted] = dense_index.emplace(j, static_cast<uint32_t>(bucket_of.size()));
      if (inserted) bucket_of.push_back(j);
      j = it->second;
    }
    rows.push_back(std::move(f));
  }
  std::vector<double> yv(examples.size()), ya(examples.size());
  for (size_t i = 0; i < examples.size(); ++i) {
    yv[i] = examples[i].valence - m.mean_valence_;
    ya[i] = examples[i].arousal - m.mean_arousal_;
  }
  const auto wv = SolveRidge(rows, bucket_of.size(), yv, params.l2, params.max_iterations);
  const auto wa = SolveRidge(rows, bucket_of.size(), ya, params.l2, params.max_iterations);
  for (size_t j = 0; j < bucket_of.size(); ++j) {
    m.weights_[bucket_of[j]] = Weights{static_cast<float>(wv[j]), static_cast<float>(wa[j])};
  }
  return m;
}

MoodPoint VaRegressor::Predict(const std::string& normalized) const {
  double v = mean_valence_, a = mean_arousal_;
  for (const auto& [j, x] : Features(normalized)) {
    const auto it = weights_.find(j);
    if (it == weights_.end()) continue;
    v += x * it->second.valence;
    a += x * it->second.arousal;
  }
  return {std::clamp(v, -1.0, 1.0), std::clamp(a, -1.0, 1.0)};
}

// File: magic, params as one JSON line, means, count, then (bucket u32, valence f32, arousal
// f32) records in ascending bucket order, all little-endian as written by x86-64/arm64.
Status VaRegressor::Save(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return MakeError(ErrorCode::kInternal, "cannot write " + path);
  out.write(kMagic, sizeof kMagic);
  const std::string params = params_.ToJson().dump() + "\n";
  out.write(params.data(), static_cast<std::streamsize>(params.size()));
  out.write(reinterpret_cast<const char*>(&mean_valence_), sizeof mean_valence_);
  out.write(reinterpret_cast<const char*>(&mean_arousal_), sizeof mean_arousal_);
  std::vector<uint32_t> keys;
  keys.reserve(weights_.size());
  for (const auto& [k, w] : weights_) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  const uint64_t n = keys.size();
  out.write(reinterpret_cast<const char*>(&n), sizeof n);
  for (uint32_t k : keys) {
    const Weights& w = weights_.at(k);
    out.write(reinterpret_cast<const char*>(&k), sizeof k);
    out.write(reinterpret_cast<const char*>(&w.valence), sizeof w.valence);
    out.write(reinterpret_cast<const char*>(&w.arousal), sizeof w.arousal);
  }
  if (!out) return MakeError(ErrorCode::kInternal, "cannot write " + path);
  return Status::Ok();
}

Result<VaRegressor> VaRegressor::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "regressor file " + path + " does not exist");
  auto bad = [&](const std::string& why) {
    return MakeError(ErrorCode::kInvalidArgument, "regressor file " + path + " is corrupt: " + why);
  };
  char magic[sizeof kMagic];
  if (!in.read(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof kMagic) != 0) {
    return bad("wrong header");
  }
  std::string params_line;
  if (!std::getline(in, params_line)) return bad("missing parameters");
  VaRegressor m;
  try {
    auto params = RegressorParams::FromJson(nlohmann::json::parse(params_line));
    if (!params) return bad(params.error().message);
    m.params_ = *params;
  } catch (const std::exception& e) {
    return bad(std::string("parameters are not JSON: ") + e.what());
  }
  uint64_t n = 0;
  in.read(reinterpret_cast<char*>(&m.mean_valence_), sizeof m.mean_valence_);
  in.read(reinterpret_cast<char*>(&m.mean_arousal_), sizeof m.mean_arousal_);
  in.read(reinterpret_cast<char*>(&n), sizeof n);
  if (!in || n > (uint64_t{1} << m.params_.hash_bits)) return bad("bad weight count");
  m.weights_.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    uint32_t k = 0;
    Weights w;
    in.read(reinterpret_cast<char*>(&k), sizeof k);
    in.read(reinterpret_cast<char*>(&w.valence), sizeof w.valence);
    in.read(reinterpret_cast<char*>(&w.arousal), sizeof w.arousal);
    if (!in) return bad("truncated weights");
    m.weights_[k] = w;
  }
  return m;
}

}  // namespace moodtape::emotion
