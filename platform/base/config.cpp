#include "platform/base/config.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "platform/base/text.h"

namespace moodtape::platform {
namespace {

// Variables that share the MOODTAPE_<SECTION>_ prefix but belong to another program: the
// moodtape command's gateway address. A shell that exported it for the CLI must still be able
// to start the services. (MOODTAPE_CONFIG and the like name no section, so they never collide.)
bool IsOtherProgramsVariable(std::string_view name) {
  static constexpr std::string_view kOthers[] = {"MOODTAPE_GATEWAY_URL"};
  return std::find(std::begin(kOthers), std::end(kOthers), name) != std::end(kOthers);
}

}  // namespace

const std::set<std::string>& KnownConfigSections() {
  static const std::set<std::string> kSections = {
      "log",      "tls",    "grpc",  "redis",   "jwt",      "errors",
      "gateway",  "auth",   "store", "emotion", "playlist", "producer",
      "designer", "worker", "queue", "cache",   "launcher", "cli"};
  return kSections;
}

Config Config::FromString(std::string_view toml_text, char** env) {
  Config cfg;
  cfg.source_ = "<string>";
  toml::table table;
  try {
    table = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << "config: cannot parse TOML at line " << e.source().begin.line << ": " << e.description();
    throw ConfigError(msg.str());
  }
  for (auto&& [section_key, node] : table) {
    std::string section(section_key.str());
    auto* sub = node.as_table();
    if (sub == nullptr) {
      throw ConfigError("config: top-level key '" + section +
                        "' must be a [section]; every setting lives in a section");
    }
    for (auto&& [key, value] : *sub) {
      Value v;
      v.origin = "config file";
      if (auto* arr = value.as_array()) {
        v.is_list = true;
        v.toml_kind = 'a';
        for (auto&& item : *arr) {
          if (auto s = item.value<std::string>()) {
            v.list.push_back(*s);
          } else {
            throw ConfigError("config: " + section + "." + std::string(key.str()) +
                              " must be an array of strings");
          }
        }
      } else if (auto s = value.as_string()) {
        v.text = s->get();
      } else if (auto i = value.as_integer()) {
        v.text = std::to_string(i->get());
        v.toml_kind = 'i';
      } else if (auto f = value.as_floating_point()) {
        std::ostringstream os;
        os.precision(17);
        os << f->get();
        v.text = os.str();
        v.toml_kind = 'f';
      } else if (auto b = value.as_boolean()) {
        v.text = b->get() ? "true" : "false";
        v.toml_kind = 'b';
      } else {
        throw ConfigError("config: " + section + "." + std::string(key.str()) +
                          " has an unsupported type (use a string, number, boolean or array)");
      }
      cfg.values_[section][std::string(key.str())] = std::move(v);
    }
  }
  if (env != nullptr) {
    for (char** e = env; *e != nullptr; ++e) {
      std::string_view entry(*e);
      constexpr std::string_view kPrefix = "MOODTAPE_";
      if (entry.substr(0, kPrefix.size()) != kPrefix) continue;
      size_t eq = entry.find('=');
      if (eq == std::string_view::npos) continue;
      if (IsOtherProgramsVariable(entry.substr(0, eq))) continue;
      std::string name = ToLowerAscii(entry.substr(kPrefix.size(), eq - kPrefix.size()));
      size_t us = name.find('_');
      if (us == std::string::npos || us == 0 || us + 1 >= name.size()) continue;
      std::string section = name.substr(0, us);
      // Variables for other sections (MOODTAPE_CONFIG, test harness variables) are not ours.
      if (!KnownConfigSections().count(section)) continue;
      Value v;
      v.text = std::string(entry.substr(eq + 1));
      v.origin = "environment variable " + std::string(entry.substr(0, eq));
      cfg.values_[section][name.substr(us + 1)] = std::move(v);
    }
  }
  return cfg;
}

Config Config::Load(const std::string& path, char** env, bool required) {
  std::ifstream in(path);
  if (!in) {
    if (required) {
      throw ConfigError("config: cannot read " + path +
                        " (set MOODTAPE_CONFIG to the file, or run from the project root)");
    }
    Config cfg = FromString("", env);
    cfg.source_ = "defaults";
    return cfg;
  }
  std::stringstream buf;
  buf << in.rdbuf();
  Config cfg;
  try {
    cfg = FromString(buf.str(), env);
  } catch (const ConfigError& e) {
    throw ConfigError(std::string(e.what()) + " (in " + path + ")");
  }
  cfg.source_ = path;
  for (auto& [section, keys] : cfg.values_) {
    for (auto& [key, v] : keys) {
      if (v.origin == "config file") v.origin = path;
    }
  }
  return cfg;
}

const Config::Value* Config::Find(std::string_view section, std::string_view key) {
  read_sections_.insert(std::string(section));
  read_keys_.insert(std::string(section) + "." + std::string(key));
  auto s = values_.find(std::string(section));
  if (s == values_.end()) return nullptr;
  auto k = s->second.find(std::string(key));
  return k == s->second.end() ? nullptr : &k->second;
}

void Config::SeeDefault(std::string_view section, std::string_view key, std::string text) {
  defaults_seen_[std::string(section) + "." + std::string(key)] = std::move(text);
}

std::map<std::string, std::string> Config::ValuesText() const {
  std::map<std::string, std::string> out;
  for (const auto& [section, keys] : values_) {
    for (const auto& [key, v] : keys) {
      std::string text = v.text;
      if (v.is_list) {
        text.clear();
        for (const auto& item : v.list) text += (text.empty() ? "" : ",") + item;
      }
      out[section + "." + key] = text;
    }
  }
  return out;
}

std::string Config::PeerString(std::string_view section, std::string_view key,
                               std::string default_value) {
  bool claimed = read_sections_.count(std::string(section)) > 0;
  std::string value = String(section, key, std::move(default_value));
  if (!claimed) read_sections_.erase(std::string(section));
  return value;
}

bool Config::Has(std::string_view section, std::string_view key) const {
  auto s = values_.find(std::string(section));
  return s != values_.end() && s->second.count(std::string(key)) > 0;
}

void Config::Fail(std::string_view section, std::string_view key, const Value& v,
                  const std::string& why) const {
  throw ConfigError("config: " + std::string(section) + "." + std::string(key) + " (from " +
                    v.origin + ") " + why);
}

std::string Config::String(std::string_view section, std::string_view key,
                           std::string default_value) {
  SeeDefault(section, key, default_value);
  const Value* v = Find(section, key);
  if (v == nullptr) return default_value;
  if (v->is_list) Fail(section, key, *v, "must be a string, not an array");
  if (v->toml_kind != 's') Fail(section, key, *v, "must be a quoted string");
  return v->text;
}

int64_t Config::Int(std::string_view section, std::string_view key, int64_t default_value,
                    int64_t min_value, int64_t max_value) {
  SeeDefault(section, key, std::to_string(default_value));
  const Value* v = Find(section, key);
  if (v == nullptr) return default_value;
  if (v->is_list || (v->toml_kind != 's' && v->toml_kind != 'i')) {
    Fail(section, key, *v, "must be an integer");
  }
  std::string text = TrimSpaces(v->text);
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  if (ec != std::errc() || ptr != text.data() + text.size() || text.empty()) {
    Fail(section, key, *v, "must be an integer, got '" + v->text + "'");
  }
  if (out < min_value || out > max_value) {
    Fail(section, key, *v,
         "must be between " + std::to_string(min_value) + " and " + std::to_string(max_value) +
             ", got " + text);
  }
  return out;
}

double Config::Double(std::string_view section, std::string_view key, double default_value,
                      double min_value, double max_value) {
  {
    std::ostringstream text;
    text << default_value;
    SeeDefault(section, key, text.str());
  }
  const Value* v = Find(section, key);
  if (v == nullptr) return default_value;
  if (v->is_list || v->toml_kind == 'b') Fail(section, key, *v, "must be a number");
  std::string text = TrimSpaces(v->text);
  char* end = nullptr;
  errno = 0;
  double out = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno != 0) {
    Fail(section, key, *v, "must be a number, got '" + v->text + "'");
  }
  if (!(out >= min_value && out <= max_value)) {
    std::ostringstream msg;
    msg << "must be between " << min_value << " and " << max_value << ", got " << text;
    Fail(section, key, *v, msg.str());
  }
  return out;
}

bool Config::Bool(std::string_view section, std::string_view key, bool default_value) {
  SeeDefault(section, key, default_value ? "true" : "false");
  const Value* v = Find(section, key);
  if (v == nullptr) return default_value;
  std::string text = ToLowerAscii(TrimSpaces(v->text));
  if (!v->is_list && (v->toml_kind == 's' || v->toml_kind == 'b')) {
    if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
    if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  }
  Fail(section, key, *v, "must be true or false, got '" + v->text + "'");
}

std::chrono::milliseconds Config::Millis(std::string_view section, std::string_view key,
                                         int64_t default_ms, int64_t min_ms, int64_t max_ms) {
  return std::chrono::milliseconds(Int(section, key, default_ms, min_ms, max_ms));
}

std::string Config::Choice(std::string_view section, std::string_view key,
                           std::string default_value, const std::vector<std::string>& choices) {
  std::string value = String(section, key, std::move(default_value));
  if (std::find(choices.begin(), choices.end(), value) != choices.end()) return value;
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "" : ", ") + c;
  Fail(section, key, *Find(section, key), "must be one of " + list + ", got '" + value + "'");
}

std::vector<std::string> Config::StringList(std::string_view section, std::string_view key,
                                            std::vector<std::string> default_value) {
  {
    std::string text;
    for (const auto& item : default_value) text += (text.empty() ? "" : ",") + item;
    SeeDefault(section, key, text);
  }
  const Value* v = Find(section, key);
  if (v == nullptr) return default_value;
  if (v->is_list) return v->list;
  if (v->toml_kind != 's') Fail(section, key, *v, "must be an array of strings");
  std::vector<std::string> out;
  std::stringstream ss(v->text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item = TrimSpaces(item);
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

void Config::Finish() const {
  std::vector<std::string> problems;
  for (const auto& [section, keys] : values_) {
    if (!KnownConfigSections().count(section)) {
      problems.push_back("unknown section [" + section + "]");
      continue;
    }
    if (!read_sections_.count(section)) continue;  // another service's section
    for (const auto& [key, v] : keys) {
      if (!read_keys_.count(section + "." + key)) {
        problems.push_back("unknown key " + section + "." + key + " (from " + v.origin + ")");
      }
    }
  }
  if (problems.empty()) return;
  std::string msg = "config: ";
  for (size_t i = 0; i < problems.size(); ++i) msg += (i ? "; " : "") + problems[i];
  throw ConfigError(msg);
}

}  // namespace moodtape::platform
