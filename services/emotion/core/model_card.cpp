#include "services/emotion/core/model_card.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace moodtape::emotion {
namespace {

using platform::ErrorCode;
using platform::MakeError;
using platform::Result;
using platform::Status;

platform::Error Bad(const std::string& what) {
  return MakeError(ErrorCode::kInvalidArgument, "model card: " + what);
}

bool IsHex64(const std::string& s) {
  return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c));
         });
}

}  // namespace

nlohmann::json ModelCardToJson(const ModelCard& c) {
  nlohmann::json bias = nlohmann::json::object();
  for (Emotion e : AllEmotions()) {
    bias[std::string(EmotionName(e))] = c.log_bias[static_cast<size_t>(EmotionIndex(e))];
  }
  return {
      {"format", kModelCardFormat},
      {"name", "moodtape-emotion"},
      {"version", c.version},
      {"created_at", c.created_at},
      {"labels",
       [] {
         nlohmann::json l = nlohmann::json::array();
         for (Emotion e : AllEmotions()) l.push_back(std::string(EmotionName(e)));
         return l;
       }()},
      {"files", {{"classifier", c.classifier_file}, {"va_regressor", c.regressor_file}}},
      {"data_sha256", c.data_sha256},
      {"hyperparameters",
       {{"classifier", c.classifier.ToJson()}, {"va_regressor", c.regressor.ToJson()}}},
      {"calibration", {{"log_bias", bias}}},
      {"start_point",
       {{"formula", "clamp(w * sum_c p_c * point_c + (1 - w) * (text_scale * regressor(text)))"},
        {"emotion_weight", c.emotion_weight},
        {"text_scale", {{"valence", c.text_scale.valence}, {"arousal", c.text_scale.arousal}}}}},
      {"training", c.training},
      {"dev_scores", c.dev_scores},
  };
}

Result<ModelCard> ModelCardFromJson(const nlohmann::json& j) {
  if (!j.is_object()) return Bad("the top level must be a JSON object");
  if (!j.contains("format") || !j["format"].is_number_integer())
    return Bad("'format' (integer) is missing");
  if (j["format"].get<int>() != kModelCardFormat) {
    return Bad("'format' is " + j["format"].dump() + ", this build reads format " +
               std::to_string(kModelCardFormat));
  }
  ModelCard c;
  auto str = [&](const char* key, std::string* out) -> bool {
    if (!j.contains(key) || !j[key].is_string() || j[key].get<std::string>().empty()) return false;
    *out = j[key].get<std::string>();
    return true;
  };
  if (!str("version", &c.version)) return Bad("'version' (non-empty string) is missing");
  if (!str("created_at", &c.created_at)) return Bad("'created_at' (string) is missing");

  if (!j.contains("files") || !j["files"].is_object()) return Bad("'files' (object) is missing");
  const auto& files = j["files"];
  for (const char* key : {"classifier", "va_regressor"}) {
    if (!files.contains(key) || !files[key].is_string()) {
      return Bad(std::string("'files.") + key + "' (string) is missing");
    }
    const auto name = files[key].get<std::string>();
    if (name.empty() || name.find('/') != std::string::npos ||
        name.find("..") != std::string::npos) {
      return Bad(std::string("'files.") + key + "' must be a plain file name");
    }
  }
  c.classifier_file = files["classifier"].get<std::string>();
  c.regressor_file = files["va_regressor"].get<std::string>();

  if (!j.contains("data_sha256") || !j["data_sha256"].is_object()) {
    return Bad("'data_sha256' (object of file -> sha256) is missing");
  }
  for (const auto& [file, hash] : j["data_sha256"].items()) {
    if (!hash.is_string() || !IsHex64(hash.get<std::string>())) {
      return Bad("'data_sha256." + file + "' must be 64 hex characters");
    }
    c.data_sha256[file] = hash.get<std::string>();
  }

  if (!j.contains("hyperparameters") || !j["hyperparameters"].is_object()) {
    return Bad("'hyperparameters' (object) is missing");
  }
  const auto& hp = j["hyperparameters"];
  if (!hp.contains("classifier") || !hp["classifier"].is_object()) {
    return Bad("'hyperparameters.classifier' (object) is missing");
  }
  if (!hp.contains("va_regressor") || !hp["va_regressor"].is_object()) {
    return Bad("'hyperparameters.va_regressor' (object) is missing");
  }
  auto cp = ClassifierParams::FromJson(hp["classifier"]);
  if (!cp) return Bad(cp.error().message);
  c.classifier = *cp;
  auto rp = RegressorParams::FromJson(hp["va_regressor"]);
  if (!rp) return Bad(rp.error().message);
  c.regressor = *rp;

  if (!j.contains("calibration") || !j["calibration"].is_object() ||
      !j["calibration"].contains("log_bias") || !j["calibration"]["log_bias"].is_object()) {
    return Bad("'calibration.log_bias' (object of 13 numbers) is missing");
  }
  const auto& bias = j["calibration"]["log_bias"];
  for (Emotion e : AllEmotions()) {
    const std::string name(EmotionName(e));
    if (!bias.contains(name) || !bias[name].is_number()) {
      return Bad("'calibration.log_bias." + name + "' (number) is missing");
    }
    c.log_bias[static_cast<size_t>(EmotionIndex(e))] = bias[name].get<double>();
  }

  if (!j.contains("start_point") || !j["start_point"].is_object())
    return Bad("'start_point' (object) is missing");
  const auto& sp = j["start_point"];
  if (!sp.contains("emotion_weight") || !sp["emotion_weight"].is_number()) {
    return Bad("'start_point.emotion_weight' (number in [0, 1]) is missing");
  }
  c.emotion_weight = sp["emotion_weight"].get<double>();
  if (c.emotion_weight < 0.0 || c.emotion_weight > 1.0)
    return Bad("'start_point.emotion_weight' must be in [0, 1]");
  if (!sp.contains("text_scale") || !sp["text_scale"].is_object() ||
      !sp["text_scale"].contains("valence") || !sp["text_scale"]["valence"].is_number() ||
      !sp["text_scale"].contains("arousal") || !sp["text_scale"]["arousal"].is_number()) {
    return Bad("'start_point.text_scale' ({valence, arousal} numbers) is missing");
  }
  c.text_scale = {sp["text_scale"]["valence"].get<double>(),
                  sp["text_scale"]["arousal"].get<double>()};

  if (!j.contains("dev_scores") || !j["dev_scores"].is_object())
    return Bad("'dev_scores' (object) is missing");
  c.dev_scores = j["dev_scores"];
  for (const char* key : {"accuracy", "macro_f1"}) {
    if (!c.dev_scores.contains(key) || !c.dev_scores[key].is_number()) {
      return Bad(std::string("'dev_scores.") + key + "' (number) is missing");
    }
  }
  if (j.contains("training")) c.training = j["training"];
  return c;
}

Result<ModelCard> ReadModelCard(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return MakeError(ErrorCode::kNotFound, "model card " + path + " does not exist");
  std::ostringstream ss;
  ss << in.rdbuf();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(ss.str());
  } catch (const nlohmann::json::parse_error& e) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "model card " + path + " is not valid JSON: " + e.what());
  }
  auto card = ModelCardFromJson(j);
  if (!card) return MakeError(ErrorCode::kInvalidArgument, path + ": " + card.error().message);
  return card;
}

Status WriteModelCard(const ModelCard& card, const std::string& path) {
  // Write then rename, so a reader never sees half a card.
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return MakeError(ErrorCode::kInternal, "cannot write " + tmp);
    out << ModelCardToJson(card).dump(2) << "\n";
    if (!out) return MakeError(ErrorCode::kInternal, "cannot write " + tmp);
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return MakeError(ErrorCode::kInternal, "cannot rename " + tmp + ": " + ec.message());
  return Status::Ok();
}

std::string ModelVersionFor(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string IsoTime(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Result<ModelDirChoice> FindNewestModelDir(const std::string& models_root) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(models_root, ec)) {
    return MakeError(ErrorCode::kNotFound,
                     "no model directory " + models_root + ": run `moodtape-emotion train` first");
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(models_root, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && name.rfind(kModelDirPrefix, 0) == 0) names.push_back(name);
  }
  std::sort(names.rbegin(), names.rend());
  ModelDirChoice choice;
  for (const auto& name : names) {
    const std::string dir = models_root + "/" + name;
    auto card = ReadModelCard(dir + "/" + std::string(kModelCardFile));
    if (!card) {
      choice.skipped.push_back(name + ": " + card.error().message);
      continue;
    }
    if (std::string(kModelDirPrefix) + card->version != name) {
      choice.skipped.push_back(name + ": card version " + card->version +
                               " does not match the directory");
      continue;
    }
    if (!fs::is_regular_file(dir + "/" + card->classifier_file) ||
        !fs::is_regular_file(dir + "/" + card->regressor_file)) {
      choice.skipped.push_back(name + ": a weight file named in the card is missing");
      continue;
    }
    choice.path = dir;
    choice.card = std::move(*card);
    return choice;
  }
  std::string why = "no valid emotion-<version> model in " + models_root;
  for (const auto& s : choice.skipped) why += "; " + s;
  return MakeError(ErrorCode::kNotFound, why + " (run `moodtape-emotion train`)");
}

}  // namespace moodtape::emotion
