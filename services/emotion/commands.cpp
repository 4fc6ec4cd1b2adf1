#include "services/emotion/commands.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "platform/base/command_flags.h"
#include "services/emotion/core/dataset.h"
#include "services/emotion/core/evaluation.h"
#include "services/emotion/core/text.h"
#include "services/emotion/core/trained_model.h"
#include "services/emotion/core/trainer.h"

namespace moodtape::emotion {
namespace {

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, ',');) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// --model accepts a model directory (with model_card.json) or a models root (newest inside).
platform::Result<std::unique_ptr<TrainedEmotionModel>> LoadModel(const std::string& where) {
  if (std::filesystem::exists(where + "/" + std::string(kModelCardFile))) {
    return TrainedEmotionModel::Load(where);
  }
  return TrainedEmotionModel::LoadNewest(where);
}

std::string Fixed(double v, int decimals = 4) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

std::string UsageText() {
  return "usage: moodtape-emotion <command> [options]\n"
         "  train   [--data DIR] [--out DIR] [--no-write] [--lr X] [--epoch N] [--dim N]\n"
         "          [--ngrams N] [--minn N] [--maxn N] [--bucket N] [--loss softmax|ova|hs]\n"
         "          [--seed N] [--ensemble K] [--oversample A] [--goemotions LABEL,...] "
         "[--bias-weight W]\n"
         "          [--no-bias] [--l2 X] [--hash-bits N] [--char-ngrams N] [--json]\n"
         "          trains a model into <out>/emotion-<version>/ (default out: models)\n"
         "  eval    --test FILE [--model DIR] [--json]\n"
         "          text_emotion-shaped CSV -> accuracy, macro-F1, per-class P/R/F1, confusion;\n"
         "          EmoBank-shaped CSV -> Pearson r for valence and arousal\n"
         "  predict [--model DIR]   stdin: one UTF-8 text per line -> one JSON object per line\n"
         "  serve   the gRPC service (default)\n"
         "--model takes a model directory or a models root (newest valid model; default models)\n";
}

int RunTrainCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  platform::CommandFlags f(
      args,
      {"--data", "--out", "--lr", "--epoch", "--dim", "--ngrams", "--minn", "--maxn", "--bucket",
       "--ensemble", "--loss", "--seed", "--oversample", "--goemotions", "--bias-weight", "--l2",
       "--hash-bits", "--char-ngrams"},
      {"--no-write", "--no-bias", "--json"});
  TrainOptions o;
  o.data_dir = f.Get("--data", "data");
  o.models_dir = f.Get("--out", "models");
  o.write_model = !f.Has("--no-write");
  o.tune_bias = !f.Has("--no-bias");
  o.classifier.loss = f.Get("--loss", o.classifier.loss);
  f.Number("--lr", &o.classifier.lr);
  f.Number("--epoch", &o.classifier.epoch);
  f.Number("--dim", &o.classifier.dim);
  f.Number("--ngrams", &o.classifier.word_ngrams);
  f.Number("--minn", &o.classifier.minn);
  f.Number("--maxn", &o.classifier.maxn);
  f.Number("--bucket", &o.classifier.bucket);
  f.Number("--seed", &o.classifier.seed);
  f.Number("--ensemble", &o.classifier.ensemble);
  f.Number("--oversample", &o.classifier.oversample_power);
  f.Number("--bias-weight", &o.bias_accuracy_weight);
  f.Number("--l2", &o.regressor.l2);
  f.Number("--hash-bits", &o.regressor.hash_bits);
  f.Number("--char-ngrams", &o.regressor.char_ngrams);
  if (f.Has("--goemotions")) o.goemotions_labels = SplitCommas(f.Get("--goemotions", ""));
  if (!f.error().empty()) {
    err << "train: " << f.error() << "\n" << UsageText();
    return 2;
  }
  auto report = TrainModel(o);
  if (!report) {
    err << "train: " << report.error().message << "\n";
    return 1;
  }
  const auto& r = *report;
  if (f.Has("--json")) {
    out << nlohmann::json{{"model_dir", r.model_dir},
                          {"seconds", r.seconds},
                          {"accuracy", r.dev.accuracy},
                          {"macro_f1", r.dev.macro_f1},
                          {"uncorrected_accuracy", r.dev_uncorrected.accuracy},
                          {"uncorrected_macro_f1", r.dev_uncorrected.macro_f1},
                          {"crossfit_accuracy", r.dev_crossfit.accuracy},
                          {"crossfit_macro_f1", r.dev_crossfit.macro_f1},
                          {"pearson_valence", r.pearson_valence},
                          {"pearson_arousal", r.pearson_arousal},
                          {"emotion_weight", r.card.emotion_weight}}
               .dump()
        << "\n";
    return 0;
  }
  out << "text_emotion dev (served model, bias-corrected):\n"
      << FormatClassificationReport(r.dev) << "\n"
      << "                        accuracy  macro-F1\n"
      << "reference (fastText)      " << Fixed(kReferenceAccuracy, 3) << "     "
      << Fixed(kReferenceMacroF1, 3) << "\n"
      << "uncorrected fastText      " << Fixed(r.dev_uncorrected.accuracy) << "    "
      << Fixed(r.dev_uncorrected.macro_f1) << "\n"
      << "bias-corrected            " << Fixed(r.dev.accuracy) << "    " << Fixed(r.dev.macro_f1)
      << "\n"
      << "bias cross-fit estimate   " << Fixed(r.dev_crossfit.accuracy) << "    "
      << Fixed(r.dev_crossfit.macro_f1) << "\n\n"
      << "EmoBank dev Pearson r: valence " << Fixed(r.pearson_valence, 3) << ", arousal "
      << Fixed(r.pearson_arousal, 3) << "\n"
      << "start point: emotion_weight " << Fixed(r.card.emotion_weight, 1) << ", text_scale ("
      << Fixed(r.card.text_scale.valence, 2) << ", " << Fixed(r.card.text_scale.arousal, 2) << ")\n"
      << "trained in " << Fixed(r.seconds, 1) << " s"
      << (r.model_dir.empty() ? std::string(" (not written)") : "; model: " + r.model_dir) << "\n";
  return 0;
}

int RunEvalCommand(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  platform::CommandFlags f(args, {"--test", "--model"}, {"--json"});
  if (!f.error().empty() || !f.Has("--test")) {
    err << "eval: " << (f.error().empty() ? "--test FILE is required" : f.error()) << "\n"
        << UsageText();
    return 2;
  }
  const std::string test = f.Get("--test", "");
  auto kind = DetectCsvKind(test);
  if (!kind) {
    err << "eval: " << kind.error().message << "\n";
    return 1;
  }
  auto model = LoadModel(f.Get("--model", "models"));
  if (!model) {
    err << "eval: " << model.error().message << "\n";
    return 1;
  }
  nlohmann::json j = {{"test", test}, {"model_version", (*model)->Version()}};
  if (*kind == CsvKind::kTextEmotion) {
    auto rows = ReadTextEmotionCsv(test);
    if (!rows) {
      err << "eval: " << rows.error().message << "\n";
      return 1;
    }
    std::vector<Emotion> truth, pred;
    for (const auto& ex : *rows) {
      truth.push_back(ex.label);
      pred.push_back((*model)->PredictNormalized(NormalizeText(ex.text)).label);
    }
    const auto report = EvaluateClassification(truth, pred);
    if (f.Has("--json")) {
      j["kind"] = "text_emotion";
      j["scores"] = ClassificationReportToJson(report, true);
      out << j.dump(2) << "\n";
    } else {
      out << "model " << (*model)->Version() << " on " << test << "\n\n"
          << FormatClassificationReport(report) << "\nreference: accuracy "
          << Fixed(kReferenceAccuracy, 3) << ", macro-F1 " << Fixed(kReferenceMacroF1, 3) << "\n";
    }
    return 0;
  }
  auto rows = ReadEmoBankCsv(test);
  if (!rows) {
    err << "eval: " << rows.error().message << "\n";
    return 1;
  }
  // The regressor's own output (text_point before rescaling is what EmoBank measures; Pearson r
  // ignores the rescale anyway) and the blended start point, both against gold V/A.
  std::vector<double> gv, ga, tv, ta, sv, sa;
  for (const auto& ex : *rows) {
    const auto p = (*model)->PredictNormalized(NormalizeText(ex.text));
    gv.push_back(ex.valence), ga.push_back(ex.arousal);
    tv.push_back(p.text_point.valence), ta.push_back(p.text_point.arousal);
    sv.push_back(p.valence), sa.push_back(p.arousal);
  }
  const double rv = PearsonR(gv, tv), ra = PearsonR(ga, ta);
  const double srv = PearsonR(gv, sv), sra = PearsonR(ga, sa);
  if (f.Has("--json")) {
    j["kind"] = "emobank";
    j["examples"] = rows->size();
    j["pearson_valence"] = rv;
    j["pearson_arousal"] = ra;
    j["start_point_pearson_valence"] = srv;
    j["start_point_pearson_arousal"] = sra;
    out << j.dump(2) << "\n";
  } else {
    out << "model " << (*model)->Version() << " on " << test << " (" << rows->size() << " rows)\n\n"
        << "                     valence  arousal\n"
        << "regressor Pearson r   " << Fixed(rv, 3) << "    " << Fixed(ra, 3) << "\n"
        << "start point Pearson r " << Fixed(srv, 3) << "    " << Fixed(sra, 3) << "\n";
  }
  return 0;
}

int RunPredictCommand(const std::vector<std::string>& args, std::istream& in, std::ostream& out,
                      std::ostream& err) {
  platform::CommandFlags f(args, {"--model"}, {});
  if (!f.error().empty()) {
    err << "predict: " << f.error() << "\n" << UsageText();
    return 2;
  }
  auto model = LoadModel(f.Get("--model", "models"));
  if (!model) {
    err << "predict: " << model.error().message << "\n";
    return 1;
  }
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    try {
      auto p = (*model)->Predict(line);
      out << (p ? PredictionJsonLine(*p) : ErrorJsonLine(p.error().message)) << "\n";
    } catch (const std::exception& e) {
      // Should not happen; one bad line must not end the stream either way.
      out << ErrorJsonLine("prediction failed") << "\n";
    }
    out.flush();
  }
  return 0;
}

}  // namespace moodtape::emotion
