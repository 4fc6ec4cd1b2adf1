#include "services/producer/core/lyrics/lyric_prompt.h"

#include <cctype>
#include <sstream>
#include <vector>

#include "platform/base/text.h"
#include "services/producer/core/lyrics/lyric_lexicon.h"

namespace moodtape::producer {
namespace {

using platform::ErrorCode;
using platform::MakeError;

constexpr size_t kMaxLineChars = 200;

std::string Lower(std::string_view s) { return platform::ToLowerAscii(s); }

// "[Verse 1] (repeat)" -> "verse 1"; "" when the line is not a header.
std::string HeaderLabel(std::string_view line) {
  line = platform::TrimWhitespace(line);
  if (line.size() < 3 || line.front() != '[') return "";
  const size_t close = line.find(']');
  if (close == std::string_view::npos) return "";
  return Lower(platform::TrimWhitespace(line.substr(1, close - 1)));
}

struct ParsedSection {
  std::string label;
  std::vector<std::string> lines;
  bool used = false;
};

std::string TitleCase(std::string_view text) {
  std::string out(text);
  bool start = true;
  for (char& c : out) {
    if (std::isalpha(static_cast<unsigned char>(c))) {
      if (start) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      start = false;
    } else if (c == ' ') {
      start = true;
    }
  }
  return out;
}

std::string Scheme(const SectionSpec& s) {
  std::string scheme;
  for (const auto& l : s.lines) scheme += l.rhyme == '-' ? 'x' : l.rhyme;
  return scheme;
}

}  // namespace

LyricsPrompt MakeLyricsPrompt(const SongForm& form, std::string_view theme) {
  const GenreInfo& genre = InfoOf(form.genre);
  LyricsPrompt prompt;
  prompt.system =
      "You are a songwriter who writes original lyrics. Never quote or imitate existing songs. "
      "Answer with the lyrics only, in exactly the format asked, with no commentary.";
  std::ostringstream user;
  user << "Write an original " << genre.name << " song about: " << theme << "\n"
       << "The sound: " << genre.description << "\n\n"
       << "Format: first a line \"Title: <title>\" (the title is a phrase from the chorus or "
          "hook), then each section below: its header in square brackets on its own line, then "
          "exactly its lines, one sung line per line. Keep every line within about one syllable "
          "of its count; lines with the same letter in the rhyme scheme must end in words that "
          "rhyme.\n\n";
  for (const auto& s : form.sections) {
    if (s.lines.empty() || s.repeat_of >= 0) continue;
    user << "[" << s.label << "] " << s.lines.size() << " lines, " << s.lines.front().syllables
         << " syllables each, rhyme scheme " << Scheme(s);
    for (size_t i = 0; i < s.lines.size(); ++i) {
      if (s.lines[i].repeats_line >= 0) {
        user << "; line " << i + 1 << " repeats line " << s.lines[i].repeats_line + 1
             << " word for word";
      }
    }
    user << "\n";
  }
  prompt.user = user.str();
  return prompt;
}

platform::Result<Lyrics> LyricsFromText(const SongForm& form, std::string_view text,
                                        const PronouncingDictionary& dictionary,
                                        AlbumLines& album) {
  // Sections of the answer, in order; lines before the first header are ignored, code fences
  // and "Title:" lines are not lyrics.
  std::vector<ParsedSection> parsed;
  std::string title;
  std::istringstream in{std::string(text)};
  for (std::string raw; std::getline(in, raw);) {
    const std::string_view line = platform::TrimWhitespace(raw);
    if (line.empty() || line.rfind("```", 0) == 0) continue;
    if (Lower(line.substr(0, 6)) == "title:") {
      title = std::string(platform::TrimWhitespace(line.substr(6)));
      if (title.size() >= 2 && title.front() == '"' && title.back() == '"') {
        title = title.substr(1, title.size() - 2);
      }
      continue;
    }
    if (const std::string label = HeaderLabel(line); !label.empty()) {
      parsed.push_back({label, {}, false});
      continue;
    }
    if (!parsed.empty()) parsed.back().lines.emplace_back(line);
  }

  Lyrics lyrics;
  size_t next = 0;  // the first answer section not used yet, in order
  for (size_t i = 0; i < form.sections.size(); ++i) {
    const SectionSpec& spec = form.sections[i];
    LyricSection section{spec.kind, spec.label, spec.bars, spec.repeat_of, {}};
    if (spec.repeat_of >= 0 && static_cast<size_t>(spec.repeat_of) < lyrics.sections.size()) {
      section.lines = lyrics.sections[static_cast<size_t>(spec.repeat_of)].lines;
    } else if (!spec.lines.empty()) {
      // The same label first (models reorder), else the next section in order.
      ParsedSection* source = nullptr;
      for (auto& p : parsed) {
        if (!p.used && p.label == Lower(spec.label)) {
          source = &p;
          break;
        }
      }
      while (source == nullptr && next < parsed.size()) {
        if (!parsed[next].used) source = &parsed[next];
        ++next;
      }
      if (source == nullptr) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "the answer has no section for [" + spec.label + "]");
      }
      source->used = true;
      if (source->lines.size() < spec.lines.size()) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "[" + spec.label + "] has " + std::to_string(source->lines.size()) +
                             " lines; the form asks for " + std::to_string(spec.lines.size()));
      }
      for (size_t j = 0; j < spec.lines.size(); ++j) {
        const LineSpec& line_spec = spec.lines[j];
        if (line_spec.repeats_line >= 0 &&
            static_cast<size_t>(line_spec.repeats_line) < section.lines.size()) {
          LyricLine copy = section.lines[static_cast<size_t>(line_spec.repeats_line)];
          copy.rhyme = line_spec.rhyme;
          section.lines.push_back(std::move(copy));
          continue;
        }
        const std::string& printed = source->lines[j];
        if (platform::CountCodePoints(printed) > kMaxLineChars) {
          return MakeError(ErrorCode::kInvalidArgument,
                           "a line of [" + spec.label + "] is longer than 200 characters");
        }
        std::vector<std::string> words;
        std::istringstream split(printed);
        for (std::string w; split >> w;) words.push_back(w);
        LyricLine line = lyric::MakeLyricLine(words, dictionary, line_spec.rhyme);
        if (line.SyllableCount() == 0) {
          return MakeError(ErrorCode::kInvalidArgument,
                           "a line of [" + spec.label + "] has no words to sing");
        }
        section.lines.push_back(std::move(line));
      }
    }
    lyrics.sections.push_back(std::move(section));
  }

  // Songs of one album never share a line; a repeat makes the whole answer unusable.
  std::vector<std::string> fresh;
  for (const auto& section : lyrics.sections) {
    if (section.repeat_of >= 0) continue;
    for (const auto& line : section.lines) {
      const std::string key = NormaliseLine(line.text);
      if (album.count(key)) {
        return MakeError(ErrorCode::kInvalidArgument,
                         "the answer repeats a line of an earlier song: " + line.text);
      }
      fresh.push_back(key);
    }
  }
  if (title.empty()) {
    for (const auto& section : lyrics.sections) {
      if ((section.kind == SectionKind::kChorus || section.kind == SectionKind::kHook) &&
          !section.lines.empty()) {
        title = section.lines.front().text;
        break;
      }
    }
    if (title.empty() && !lyrics.sections.empty()) {
      for (const auto& s : lyrics.sections) {
        if (!s.lines.empty()) {
          title = s.lines.front().text;
          break;
        }
      }
    }
  }
  lyrics.title = TitleCase(lyric::StripPunctuation(title));
  for (auto& key : fresh) album.insert(std::move(key));
  album.insert("#title " + NormaliseLine(lyrics.title));
  return lyrics;
}

}  // namespace moodtape::producer
