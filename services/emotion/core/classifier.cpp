#include "services/emotion/core/classifier.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include <fasttext/fasttext.h>

#include "services/emotion/core/evaluation.h"

namespace moodtape::emotion {
namespace {

using platform::ErrorCode;
using platform::MakeError;
using platform::Result;
using platform::Status;

constexpr std::string_view kLabelPrefix = "__label__";

}  // namespace

nlohmann::json ClassifierParams::ToJson() const {
  return {{"engine", "fasttext-0.9.2-supervised"},
          {"lr", lr},
          {"epoch", epoch},
          {"dim", dim},
          {"word_ngrams", word_ngrams},
          {"min_count", min_count},
          {"bucket", bucket},
          {"minn", minn},
          {"maxn", maxn},
          {"loss", loss},
          {"seed", seed},
          {"thread", 1},
          {"oversample_power", oversample_power},
          {"ensemble", ensemble}};
}

Result<ClassifierParams> ClassifierParams::FromJson(const nlohmann::json& j) {
  ClassifierParams p;
  try {
    p.lr = j.value("lr", p.lr);
    p.epoch = j.value("epoch", p.epoch);
    p.dim = j.value("dim", p.dim);
    p.word_ngrams = j.value("word_ngrams", p.word_ngrams);
    p.min_count = j.value("min_count", p.min_count);
    p.bucket = j.value("bucket", p.bucket);
    p.minn = j.value("minn", p.minn);
    p.maxn = j.value("maxn", p.maxn);
    p.loss = j.value("loss", p.loss);
    p.seed = j.value("seed", p.seed);
    p.oversample_power = j.value("oversample_power", p.oversample_power);
    p.ensemble = j.value("ensemble", p.ensemble);
  } catch (const nlohmann::json::exception& e) {
    return MakeError(ErrorCode::kInvalidArgument,
                     std::string("classifier hyper-parameters: ") + e.what());
  }
  if (p.ensemble < 1 || p.ensemble > 16) {
    return MakeError(ErrorCode::kInvalidArgument, "classifier ensemble must be in 1..16");
  }
  return p;
}

FastTextClassifier::FastTextClassifier(std::vector<std::unique_ptr<fasttext::FastText>> models) {
  for (auto& model : models) {
    Member m;
    const auto dict = model->getDictionary();
    m.label_to_emotion_index.assign(static_cast<size_t>(dict->nlabels()), -1);
    for (int32_t i = 0; i < dict->nlabels(); ++i) {
      std::string name = dict->getLabel(i);
      if (name.rfind(kLabelPrefix, 0) == 0) name.erase(0, kLabelPrefix.size());
      if (const auto e = ParseEmotion(name))
        m.label_to_emotion_index[static_cast<size_t>(i)] = EmotionIndex(*e);
    }
    m.eos_id = dict->getId(fasttext::Dictionary::EOS);
    const auto counts = dict->getCounts(fasttext::entry_type::label);
    double total = 0.0;
    for (size_t i = 0; i < counts.size() && i < m.label_to_emotion_index.size(); ++i) {
      const int idx = m.label_to_emotion_index[i];
      if (idx < 0) continue;
      m.prior[static_cast<size_t>(idx)] = static_cast<double>(counts[i]);
      total += static_cast<double>(counts[i]);
    }
    for (double& v : m.prior) v = total > 0.0 ? v / total : 1.0 / kNumEmotions;
    m.model = std::move(model);
    members_.push_back(std::move(m));
  }
}
FastTextClassifier::~FastTextClassifier() = default;
FastTextClassifier::FastTextClassifier(FastTextClassifier&&) noexcept = default;

Result<FastTextClassifier> FastTextClassifier::Train(const std::vector<LabelledText>& examples,
                                                     const ClassifierParams& params,
                                                     const std::string& scratch_dir) {
  if (examples.empty()) return MakeError(ErrorCode::kInvalidArgument, "no training examples");
  // Oversample rare classes, then shuffle with the fixed seed: fastText reads the file in order.
  std::array<std::vector<const LabelledText*>, kNumEmotions> by_class;
  for (const auto& ex : examples)
    by_class[static_cast<size_t>(EmotionIndex(ex.label))].push_back(&ex);
  size_t max_n = 0;
  for (const auto& c : by_class) max_n = std::max(max_n, c.size());
  std::vector<const LabelledText*> lines;
  for (const auto& c : by_class) {
    if (c.empty()) continue;
    const double a = std::clamp(params.oversample_power, 0.0, 1.0);
    const auto target = std::max(
        c.size(), static_cast<size_t>(std::llround(std::pow(static_cast<double>(max_n), 1.0 - a) *
                                                   std::pow(static_cast<double>(c.size()), a))));
    for (size_t i = 0; i < target; ++i) lines.push_back(c[i % c.size()]);
  }
  std::error_code ec;
  std::filesystem::create_directories(scratch_dir, ec);
  const std::string input = scratch_dir + "/fasttext_train.txt";
  std::vector<std::unique_ptr<fasttext::FastText>> models;
  for (int k = 0; k < std::max(1, params.ensemble); ++k) {
    // Each member sees its own fixed-seed order: fastText's only other randomness (the initial
    // input vectors) barely moves a softmax model, so the order is what makes members differ.
    std::mt19937_64 rng(static_cast<uint64_t>(params.seed + k));
    for (size_t i = lines.size(); i > 1; --i) {  // Fisher-Yates: same order on every platform
      std::swap(lines[i - 1], lines[static_cast<size_t>(rng() % i)]);
    }
    {
      std::ofstream out(input, std::ios::binary | std::ios::trunc);
      if (!out) return MakeError(ErrorCode::kInternal, "cannot write " + input);
      for (const auto* ex : lines) {
        out << kLabelPrefix << EmotionName(ex->label) << ' ' << ex->text << '\n';
      }
    }
    fasttext::Args args;
    args.input = input;
    args.model = fasttext::model_name::sup;
    args.loss = params.loss == "ova"  ? fasttext::loss_name::ova
                : params.loss == "hs" ? fasttext::loss_name::hs
                                      : fasttext::loss_name::softmax;
    args.lr = params.lr;
    args.epoch = params.epoch;
    args.dim = params.dim;
    args.wordNgrams = params.word_ngrams;
    args.minCount = params.min_count;
    args.minn = params.minn;
    args.maxn = params.maxn;
    args.bucket = (params.word_ngrams <= 1 && params.maxn == 0) ? 0 : params.bucket;
    args.thread = 1;  // one thread: fastText's result depends on thread scheduling otherwise
    args.seed = params.seed + k;
    args.verbose = 0;
    auto model = std::make_unique<fasttext::FastText>();
    try {
      model->train(args);
    } catch (const std::exception& e) {
      std::filesystem::remove(input, ec);
      return MakeError(ErrorCode::kInternal, std::string("fastText training failed: ") + e.what());
    }
    // Round-trip through the file format: the trainer scores exactly what will be served, and
    // a freshly trained dictionary's 30M-entry index (120 MB) is released.
    const std::string saved = scratch_dir + "/member.bin";
    auto reloaded = std::make_unique<fasttext::FastText>();
    try {
      model->saveModel(saved);
      model.reset();
      reloaded->loadModel(saved);
    } catch (const std::exception& e) {
      return MakeError(ErrorCode::kInternal, std::string("fastText save/load failed: ") + e.what());
    }
    std::filesystem::remove(saved, ec);
    models.push_back(std::move(reloaded));
  }
  std::filesystem::remove(input, ec);
  return FastTextClassifier(std::move(models));
}

namespace {
std::string MemberPath(const std::string& path, size_t k) {
  return k == 0 ? path : path + "." + std::to_string(k);
}
}  // namespace

Result<FastTextClassifier> FastTextClassifier::Load(const std::string& path, int ensemble) {
  std::vector<std::unique_ptr<fasttext::FastText>> models;
  for (size_t k = 0; k < static_cast<size_t>(std::max(1, ensemble)); ++k) {
    const std::string file = MemberPath(path, k);
    if (!std::filesystem::is_regular_file(file)) {
      return MakeError(ErrorCode::kNotFound, "classifier file " + file + " does not exist");
    }
    auto model = std::make_unique<fasttext::FastText>();
    try {
      model->loadModel(file);
    } catch (const std::exception& e) {
      return MakeError(ErrorCode::kInvalidArgument,
                       "classifier file " + file + " is not a fastText model: " + e.what());
    }
    models.push_back(std::move(model));
  }
  return FastTextClassifier(std::move(models));
}

Status FastTextClassifier::Save(const std::string& path) const {
  for (size_t k = 0; k < members_.size(); ++k) {
    try {
      members_[k].model->saveModel(MemberPath(path, k));
    } catch (const std::exception& e) {
      return MakeError(ErrorCode::kInternal, "cannot save classifier to " + path + ": " + e.what());
    }
  }
  return Status::Ok();
}

Probabilities FastTextClassifier::Predict(const std::string& normalized) const {
  Probabilities sum{};
  for (const auto& m : members_) {
    const Probabilities p = PredictOne(m, normalized);
    for (size_t c = 0; c < kNumEmotions; ++c) sum[c] += p[c] / static_cast<double>(members_.size());
  }
  return sum;
}

Probabilities FastTextClassifier::PredictOne(const Member& m, const std::string& normalized) {
  Probabilities p{};
  std::istringstream in(normalized + "\n");
  std::vector<int32_t> words, labels;
  m.model->getDictionary()->getLine(in, words, labels);
  const bool knows_a_word =
      std::any_of(words.begin(), words.end(), [&](int32_t id) { return id != m.eos_id; });
  if (!knows_a_word) return m.prior;
  fasttext::Predictions raw;
  m.model->predict(-1, words, raw, 0.0);
  double total = 0.0;
  for (const auto& [log_prob, label_id] : raw) {
    const int idx = m.label_to_emotion_index[static_cast<size_t>(label_id)];
    if (idx < 0) continue;
    const double prob = std::exp(static_cast<double>(log_prob));
    p[static_cast<size_t>(idx)] = prob;
    total += prob;
  }
  if (total <= 0.0) {
    // No known token (fastText returns nothing): fall back to "neutral" with certainty rather
    // than pretending to know.
    p[static_cast<size_t>(EmotionIndex(Emotion::kNeutral))] = 1.0;
    return p;
  }
  for (double& v : p) v /= total;  // ova scores do not sum to 1 by themselves
  return p;
}

Probabilities ApplyLogBias(const Probabilities& p, const LogBias& bias) {
  Probabilities out{};
  double total = 0.0;
  for (size_t c = 0; c < kNumEmotions; ++c) {
    out[c] = p[c] * std::exp(bias[c]);
    total += out[c];
  }
  if (total > 0.0) {
    for (double& v : out) v /= total;
  }
  return out;
}

namespace {

double Objective(const std::vector<std::array<double, kNumEmotions>>& logp,
                 const std::vector<Emotion>& truth, const LogBias& bias, double acc_weight) {
  std::vector<Emotion> pred(truth.size());
  for (size_t i = 0; i < logp.size(); ++i) {
    size_t best = 0;
    double best_v = -1e300;
    for (size_t c = 0; c < kNumEmotions; ++c) {
      const double v = logp[i][c] + bias[c];
      if (v > best_v) best_v = v, best = c;
    }
    pred[i] = EmotionAt(static_cast<int>(best));
  }
  const auto r = EvaluateClassification(truth, pred);
  return acc_weight * r.accuracy + (1.0 - acc_weight) * r.macro_f1;
}

}  // namespace

LogBias TuneLogBias(const std::vector<Probabilities>& probs, const std::vector<Emotion>& truth,
                    double accuracy_weight) {
  std::vector<std::array<double, kNumEmotions>> logp(probs.size());
  for (size_t i = 0; i < probs.size(); ++i) {
    for (size_t c = 0; c < kNumEmotions; ++c) logp[i][c] = std::log(probs[i][c] + 1e-9);
  }
  LogBias bias{};
  double best = Objective(logp, truth, bias, accuracy_weight);
  // Coarse-to-fine steps; each sweep tries moving one bias at a time and keeps improvements.
  for (double step : {0.5, 0.25, 0.1}) {
    for (int sweep = 0; sweep < 3; ++sweep) {
      bool improved = false;
      for (size_t c = 0; c < kNumEmotions; ++c) {
        for (double dir : {1.0, -1.0}) {
          while (true) {
            LogBias trial = bias;
            trial[c] += dir * step;
            if (std::abs(trial[c]) > 4.0) break;
            const double v = Objective(logp, truth, trial, accuracy_weight);
            if (v > best + 1e-9) {
              best = v, bias = trial, improved = true;
            } else {
              break;
            }
          }
        }
      }
      if (!improved) break;
    }
  }
  return bias;
}

}  // namespace moodtape::emotion
