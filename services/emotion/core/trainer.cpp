#include "services/emotion/core/trainer.h"

#include "platform/base/log.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "platform/base/encoding.h"
#include "services/emotion/core/dataset.h"
#include "services/emotion/core/text.h"
#include "services/emotion/core/trained_model.h"

namespace moodtape::emotion {
namespace {

namespace fs = std::filesystem;
using platform::ErrorCode;
using platform::MakeError;
using platform::Result;

Result<std::string> FileSha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "cannot open " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return platform::Sha256Hex(ss.str());
}

template <typename T>
void NormalizeAll(std::vector<T>* items) {
  for (auto& it : *items) it.text = NormalizeText(it.text);
}

double StdDev(const std::vector<double>& x) {
  if (x.size() < 2) return 0.0;
  double m = 0.0;
  for (double v : x) m += v;
  m /= static_cast<double>(x.size());
  double s = 0.0;
  for (double v : x) s += (v - m) * (v - m);
  return std::sqrt(s / static_cast<double>(x.size() - 1));
}

std::vector<Emotion> Argmax(const std::vector<Probabilities>& probs, const LogBias& bias) {
  std::vector<Emotion> out;
  out.reserve(probs.size());
  for (const auto& p : probs) out.push_back(MostLikely(ApplyLogBias(p, bias)));
  return out;
}

nlohmann::json ScoresJson(const ClassificationReport& r) {
  auto j = ClassificationReportToJson(r, false);
  j.erase("per_class");
  return j;
}

}  // namespace

Result<TrainReport> TrainModel(const TrainOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  TrainReport report;
  ModelCard& card = report.card;
  const auto now = o.clock->Now();
  card.version = ModelVersionFor(now);
  card.created_at = IsoTime(now);
  card.classifier = o.classifier;
  card.regressor = o.regressor;

  // --- data ---------------------------------------------------------------------------------
  std::vector<std::string> used = {"text_emotion/train.csv", "text_emotion/dev.csv",
                                   "emobank/train.csv", "emobank/dev.csv"};
  if (!o.goemotions_labels.empty()) {
    used.push_back("goemotions/train.tsv");
    used.push_back("goemotions/emotions.txt");
  }
  for (const auto& rel : used) {
    auto h = FileSha256(o.data_dir + "/" + rel);
    if (!h) return MakeError(ErrorCode::kNotFound, "training data missing: " + h.error().message);
    card.data_sha256[rel] = *h;
  }
  auto train = ReadTextEmotionCsv(o.data_dir + "/text_emotion/train.csv");
  if (!train) return train.error();
  auto dev = ReadTextEmotionCsv(o.data_dir + "/text_emotion/dev.csv");
  if (!dev) return dev.error();
  auto eb_train = ReadEmoBankCsv(o.data_dir + "/emobank/train.csv");
  if (!eb_train) return eb_train.error();
  auto eb_dev = ReadEmoBankCsv(o.data_dir + "/emobank/dev.csv");
  if (!eb_dev) return eb_dev.error();
  NormalizeAll(&*train);
  NormalizeAll(&*dev);
  NormalizeAll(&*eb_train);
  NormalizeAll(&*eb_dev);

  std::vector<LabelledText> classifier_data = *train;
  size_t goemotions_added = 0;
  if (!o.goemotions_labels.empty()) {
    auto ge = ReadGoEmotionsTsv(o.data_dir + "/goemotions/train.tsv",
                                o.data_dir + "/goemotions/emotions.txt");
    if (!ge) return ge.error();
    for (auto& ex : *ge) {
      const std::string name(EmotionName(ex.label));
      if (std::find(o.goemotions_labels.begin(), o.goemotions_labels.end(), name) ==
          o.goemotions_labels.end()) {
        continue;
      }
      ex.text = NormalizeText(ex.text);
      classifier_data.push_back(std::move(ex));
      ++goemotions_added;
    }
  }

  // --- classifier ---------------------------------------------------------------------------
  std::error_code ec;
  const std::string scratch =
      (fs::temp_directory_path(ec) / ("moodtape-emotion-train-" + std::to_string(::getpid())))
          .string();
  auto classifier = FastTextClassifier::Train(classifier_data, o.classifier, scratch);
  fs::remove_all(scratch, ec);
  if (!classifier) return classifier.error();

  std::vector<Probabilities> dev_probs;
  std::vector<Emotion> dev_truth;
  for (const auto& ex : *dev) {
    dev_probs.push_back(classifier->Predict(ex.text));
    dev_truth.push_back(ex.label);
  }
  report.dev_uncorrected = EvaluateClassification(dev_truth, Argmax(dev_probs, LogBias{}));
  if (o.tune_bias) {
    card.log_bias = TuneLogBias(dev_probs, dev_truth, o.bias_accuracy_weight);
    // Cross-fit estimate: tune on even rows, score odd rows, and the other way round.
    std::array<std::vector<Probabilities>, 2> half_probs;
    std::array<std::vector<Emotion>, 2> half_truth;
    for (size_t i = 0; i < dev_probs.size(); ++i) {
      half_probs[i % 2].push_back(dev_probs[i]);
      half_truth[i % 2].push_back(dev_truth[i]);
    }
    std::vector<Emotion> cf_truth, cf_pred;
    for (int h = 0; h < 2; ++h) {
      const LogBias b = TuneLogBias(half_probs[static_cast<size_t>(h)],
                                    half_truth[static_cast<size_t>(h)], o.bias_accuracy_weight);
      const auto pred = Argmax(half_probs[static_cast<size_t>(1 - h)], b);
      cf_pred.insert(cf_pred.end(), pred.begin(), pred.end());
      const auto& t = half_truth[static_cast<size_t>(1 - h)];
      cf_truth.insert(cf_truth.end(), t.begin(), t.end());
    }
    report.dev_crossfit = EvaluateClassification(cf_truth, cf_pred);
  } else {
    report.dev_crossfit = report.dev_uncorrected;
  }
  report.dev = EvaluateClassification(dev_truth, Argmax(dev_probs, card.log_bias));

  // --- valence/arousal regressor ------------------------------------------------------------
  VaRegressor regressor = VaRegressor::Train(*eb_train, o.regressor);
  std::vector<double> gold_v, gold_a, pred_v, pred_a;
  for (const auto& ex : *eb_dev) {
    const MoodPoint p = regressor.Predict(ex.text);
    gold_v.push_back(ex.valence), gold_a.push_back(ex.arousal);
    pred_v.push_back(p.valence), pred_a.push_back(p.arousal);
  }
  report.pearson_valence = PearsonR(gold_v, pred_v);
  report.pearson_arousal = PearsonR(gold_a, pred_a);

  // --- start point: rescale the regressor to the table's spread, then pick the blend ---------
  // The regressor learned EmoBank's narrow spread (sd ~0.17 on [-1, 1]) while the table points
  // spread over the whole plane; matching standard deviations on text_emotion dev (no labels
  // involved) puts both on one scale before they are averaged.
  std::vector<MoodPoint> dev_emotion_pts, dev_text_raw;
  for (size_t i = 0; i < dev->size(); ++i) {
    dev_emotion_pts.push_back(WeightedEmotionPoint(ApplyLogBias(dev_probs[i], card.log_bias)));
    dev_text_raw.push_back(regressor.Predict((*dev)[i].text));
  }
  auto axis = [](const std::vector<MoodPoint>& pts, bool valence) {
    std::vector<double> out;
    for (const auto& p : pts) out.push_back(valence ? p.valence : p.arousal);
    return out;
  };
  auto scale_for = [&](bool valence) {
    const double se = StdDev(axis(dev_emotion_pts, valence));
    const double st = StdDev(axis(dev_text_raw, valence));
    return st > 1e-6 ? std::clamp(se / st, 1.0, 6.0) : 1.0;
  };
  card.text_scale = {scale_for(true), scale_for(false)};

  // Choose w on both dev sets: correlation with the gold label's table point on text_emotion
  // dev, and with the gold V/A on EmoBank dev; mean of the four Pearson r.
  std::vector<MoodPoint> eb_emotion_pts, eb_text_raw;
  for (const auto& ex : *eb_dev) {
    eb_emotion_pts.push_back(
        WeightedEmotionPoint(ApplyLogBias(classifier->Predict(ex.text), card.log_bias)));
    eb_text_raw.push_back(regressor.Predict(ex.text));
  }
  std::vector<double> te_gold_v, te_gold_a;
  for (const auto& ex : *dev) {
    te_gold_v.push_back(EmotionPoint(ex.label).valence);
    te_gold_a.push_back(EmotionPoint(ex.label).arousal);
  }
  nlohmann::json blend_scores = nlohmann::json::array();
  double best_score = -2.0;
  for (int step = 0; step <= 10; ++step) {
    const double w = step / 10.0;
    auto blend = [&](const std::vector<MoodPoint>& e, const std::vector<MoodPoint>& t) {
      std::vector<MoodPoint> out;
      for (size_t i = 0; i < e.size(); ++i) {
        const MoodPoint tp{std::clamp(t[i].valence * card.text_scale.valence, -1.0, 1.0),
                           std::clamp(t[i].arousal * card.text_scale.arousal, -1.0, 1.0)};
        out.push_back(StartPoint(e[i], tp, w));
      }
      return out;
    };
    const auto te = blend(dev_emotion_pts, dev_text_raw);
    const auto eb = blend(eb_emotion_pts, eb_text_raw);
    const double r_te_v = PearsonR(axis(te, true), te_gold_v);
    const double r_te_a = PearsonR(axis(te, false), te_gold_a);
    const double r_eb_v = PearsonR(axis(eb, true), gold_v);
    const double r_eb_a = PearsonR(axis(eb, false), gold_a);
    const double score = (r_te_v + r_te_a + r_eb_v + r_eb_a) / 4.0;
    blend_scores.push_back({{"emotion_weight", w},
                            {"text_emotion_dev_r_valence", r_te_v},
                            {"text_emotion_dev_r_arousal", r_te_a},
                            {"emobank_dev_r_valence", r_eb_v},
                            {"emobank_dev_r_arousal", r_eb_a},
                            {"mean_r", score}});
    if (score > best_score + 1e-9) {
      best_score = score;
      card.emotion_weight = w;
    }
  }

  // --- card ---------------------------------------------------------------------------------
  report.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  card.dev_scores = ClassificationReportToJson(report.dev, true);
  card.dev_scores["uncorrected"] = ScoresJson(report.dev_uncorrected);
  card.dev_scores["crossfit_bias"] = ScoresJson(report.dev_crossfit);
  card.dev_scores["pearson_valence"] = report.pearson_valence;
  card.dev_scores["pearson_arousal"] = report.pearson_arousal;
  card.dev_scores["start_point_blend"] = blend_scores;
  card.dev_scores["reference"] = {{"accuracy", kReferenceAccuracy},
                                  {"macro_f1", kReferenceMacroF1},
                                  {"what", "fastText defaults, 10 epochs, word bigrams"}};
  card.training = {{"text_emotion_train_examples", train->size()},
                   {"text_emotion_dev_examples", dev->size()},
                   {"goemotions_labels", o.goemotions_labels},
                   {"goemotions_examples", goemotions_added},
                   {"emobank_train_examples", eb_train->size()},
                   {"emobank_dev_examples", eb_dev->size()},
                   {"bias_tuning", o.tune_bias ? "coordinate ascent on dev" : "off"},
                   {"bias_accuracy_weight", o.bias_accuracy_weight},
                   {"normalization", "services/emotion/core/text.h NormalizeText"},
                   {"seconds", report.seconds}};
  if (!o.write_model) return report;

  // Write into a hidden temporary directory and rename it into place: the loader never sees a
  // half-written model.
  std::string dir_name = std::string(kModelDirPrefix) + card.version;
  fs::create_directories(o.models_dir, ec);
  for (int n = 2; fs::exists(o.models_dir + "/" + dir_name); ++n) {
    card.version = ModelVersionFor(now) + "-" + std::to_string(n);
    dir_name = std::string(kModelDirPrefix) + card.version;
  }
  const std::string tmp = o.models_dir + "/." + dir_name + ".tmp";
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) return MakeError(ErrorCode::kInternal, "cannot create " + tmp + ": " + ec.message());
  if (auto s = classifier->Save(tmp + "/" + card.classifier_file); !s) return s.error();
  if (auto s = regressor.Save(tmp + "/" + card.regressor_file); !s) return s.error();
  if (auto s = WriteModelCard(card, tmp + "/" + std::string(kModelCardFile)); !s) return s.error();
  const std::string final_dir = o.models_dir + "/" + dir_name;
  fs::rename(tmp, final_dir, ec);
  if (ec) return MakeError(ErrorCode::kInternal, "cannot rename " + tmp + ": " + ec.message());
  report.model_dir = final_dir;
  return report;
}

platform::Result<std::unique_ptr<TrainedEmotionModel>> LoadNewestOrTrain(
    const std::string& models_dir, const std::string& data_dir) {
  auto found = FindNewestModelDir(models_dir);
  if (!found.ok()) {
    if (found.error().code != platform::ErrorCode::kNotFound) return found.error();
    platform::LogInfo("no emotion model yet: training one",
                      {{"data_dir", data_dir}, {"models_dir", models_dir}});
    TrainOptions options;
    options.data_dir = data_dir;
    options.models_dir = models_dir;
    auto report = TrainModel(options);
    if (!report.ok()) {
      return platform::MakeError(report.error().code, "training the first emotion model failed: " +
                                                          report.error().message);
    }
    platform::LogInfo("emotion model trained",
                      {{"model_dir", report->model_dir}, {"seconds", report->seconds}});
  }
  return TrainedEmotionModel::LoadNewest(models_dir);
}

}  // namespace moodtape::emotion
