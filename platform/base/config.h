// One TOML file (default config/moodtape.toml, or $MOODTAPE_CONFIG) with environment overrides:
// MOODTAPE_<SECTION>_<KEY> overrides [section] key, e.g. MOODTAPE_GATEWAY_HTTP_PORT=8081.
// Section names contain no underscore, so the first '_' after the section name ends it.
//
// Values are read with typed getters that validate ranges; every problem names the key and its
// origin. Finish() then rejects keys nobody read in the sections this process used and any
// unknown section, so a typo fails start-up instead of being silently ignored.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace moodtape::platform {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Config {
 public:
  // Loads `path` (missing file is an error only if `required`) and overlays the MOODTAPE_*
  // variables of `env` (pass nullptr for no environment, environ for the real one).
  static Config Load(const std::string& path, char** env, bool required = true);
  // Parses TOML text directly (tests).
  static Config FromString(std::string_view toml_text, char** env = nullptr);

  std::string String(std::string_view section, std::string_view key, std::string default_value);
  int64_t Int(std::string_view section, std::string_view key, int64_t default_value,
              int64_t min_value, int64_t max_value);
  double Double(std::string_view section, std::string_view key, double default_value,
                double min_value, double max_value);
  bool Bool(std::string_view section, std::string_view key, bool default_value);
  std::chrono::milliseconds Millis(std::string_view section, std::string_view key,
                                   int64_t default_ms, int64_t min_ms = 0,
                                   int64_t max_ms = 24LL * 3600 * 1000);
  // A string restricted to one of `choices`.
  std::string Choice(std::string_view section, std::string_view key, std::string default_value,
                     const std::vector<std::string>& choices);
  // A TOML array of strings, or a comma-separated string in the environment.
  std::vector<std::string> StringList(std::string_view section, std::string_view key,
                                      std::vector<std::string> default_value);
  // A port number 0..65535 (0 = pick a free port, for tests).
  int Port(std::string_view section, std::string_view key, int default_value) {
    return static_cast<int>(Int(section, key, default_value, 0, 65535));
  }

  // Reads another process's setting (a peer's address) without claiming its section, so Finish()
  // does not judge the peer's other keys.
  std::string PeerString(std::string_view section, std::string_view key, std::string default_value);

  bool Has(std::string_view section, std::string_view key) const;

  // Throws ConfigError listing every unknown key and section. Call after all reads.
  void Finish() const;

  // Where the file came from, for the start-up log line.
  const std::string& Source() const { return source_; }

  // Every default a getter was handed, "section.key" -> the default as text (integers and
  // milliseconds in decimal, booleans "true"/"false", lists joined with ","), and every value
  // the file or environment set, in the same form. The config-defaults test reads both to prove
  // config/moodtape.toml spells out exactly the defaults the code uses.
  const std::map<std::string, std::string>& DefaultsSeen() const { return defaults_seen_; }
  std::map<std::string, std::string> ValuesText() const;

 private:
  struct Value {
    std::string text;  // scalar as text (from env, or a TOML scalar)
    std::vector<std::string> list;
    bool is_list = false;
    std::string origin;    // "config/moodtape.toml" or "env MOODTAPE_X_Y"
    char toml_kind = 's';  // 's' string, 'i' integer, 'f' float, 'b' bool, 'a' array
  };
  const Value* Find(std::string_view section, std::string_view key);
  [[noreturn]] void Fail(std::string_view section, std::string_view key, const Value& v,
                         const std::string& why) const;

  std::map<std::string, std::map<std::string, Value>> values_;
  std::set<std::string> read_sections_;
  std::set<std::string> read_keys_;  // "section.key"
  std::map<std::string, std::string> defaults_seen_;
  void SeeDefault(std::string_view section, std::string_view key, std::string text);
  std::string source_;
};

// Sections any moodtape process may meet in the shared file; one not in this list is a typo.
const std::set<std::string>& KnownConfigSections();

}  // namespace moodtape::platform
