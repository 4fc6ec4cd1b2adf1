#include "services/designer/core/description.h"

#include <algorithm>

#include <glib.h>

namespace moodtape::designer {

std::vector<std::string> LowerCaseWords(std::string_view utf8) {
  std::vector<std::string> words;
  if (!g_utf8_validate(utf8.data(), static_cast<gssize>(utf8.size()), nullptr)) return words;
  // GLib knows Unicode case mapping, so "MIŁOŚĆ" and "Miłość" are one word.
  gchar* lower = g_utf8_strdown(utf8.data(), static_cast<gssize>(utf8.size()));
  std::string current;
  for (const gchar* p = lower; *p != '\0'; p = g_utf8_next_char(p)) {
    const gunichar c = g_utf8_get_char(p);
    if (g_unichar_isalnum(c)) {
      char buf[6];
      current.append(buf, static_cast<size_t>(g_unichar_to_utf8(c, buf)));
    } else if (!current.empty()) {
      words.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) words.push_back(std::move(current));
  g_free(lower);
  return words;
}

std::vector<Motif> MotifsNamed(const std::vector<std::string>& words) {
  std::vector<Motif> motifs;
  for (const auto& word : words) {
    auto motif = MotifForWord(word);
    if (motif && std::find(motifs.begin(), motifs.end(), *motif) == motifs.end()) {
      motifs.push_back(*motif);
    }
  }
  return motifs;
}

}  // namespace moodtape::designer
