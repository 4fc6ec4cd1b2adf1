#include "services/emotion/core/text.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

namespace moodtape::emotion {
namespace {

using platform::ErrorCode;
using platform::MakeError;
using platform::Status;

using platform::AppendUtf8;

bool IsSpace(char32_t c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f' || c == 0x85 ||
         c == 0xA0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 ||
         c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

// Dropped entirely: they only select a rendering of the emoji next to them.
bool IsEmojiModifier(char32_t c) {
  return c == 0x200D || c == 0xFE0E || c == 0xFE0F || (c >= 0x1F3FB && c <= 0x1F3FF) ||
         c == 0x200B || c == 0x20E3;
}

bool IsEmoji(char32_t c) {
  return (c >= 0x1F000 && c <= 0x1FAFF) ||  // pictographs, emoticons, transport, symbols
         (c >= 0x2600 && c <= 0x27BF) ||    // misc symbols, dingbats (☺ ♥ ✨)
         (c >= 0x2B00 && c <= 0x2BFF) || c == 0x2764 || c == 0x3030 || c == 0x303D;
}

// Emoji that mean what an ASCII emoticon means also emit that emoticon's token, so the 2009
// tweets (mostly emoticons, few emoji) teach the model what today's emoji mean.
std::string_view EmojiEmoticon(char32_t c) {
  switch (c) {
    case 0x1F600:
    case 0x1F603:
    case 0x1F604:
    case 0x1F60A:
    case 0x1F642:
    case 0x263A:
    case 0x1F601:
    case 0x1F607:
      return "<smile>";
    case 0x1F602:
    case 0x1F923:
    case 0x1F606:
    case 0x1F605:
      return "<laugh>";
    case 0x1F62D:
    case 0x1F622:
    case 0x1F63F:
      return "<cry>";
    case 0x2639:
    case 0x1F641:
    case 0x1F61E:
    case 0x1F614:
    case 0x1F61F:
    case 0x1F625:
    case 0x1F629:
    case 0x1F62B:
      return "<sad>";
    case 0x2764:
    case 0x2665:
    case 0x1F60D:
    case 0x1F970:
    case 0x1F618:
    case 0x1F495:
    case 0x1F496:
    case 0x1F497:
    case 0x1F499:
    case 0x1F49A:
    case 0x1F49B:
    case 0x1F49C:
      return "<heart>";
    case 0x1F494:
      return "<brokenheart>";
    case 0x1F609:
      return "<wink>";
    case 0x1F61B:
    case 0x1F61C:
    case 0x1F61D:
      return "<tongue>";
    case 0x1F62E:
    case 0x1F632:
    case 0x1F62F:
    case 0x1F631:
      return "<surprised>";
    case 0x1F610:
    case 0x1F611:
    case 0x1F615:
    case 0x1F928:
    case 0x1F612:
      return "<skeptical>";
    default:
      return {};
  }
}

bool IsAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }

// ASCII punctuation and the Unicode punctuation blocks that tweets use.
bool IsPunct(char32_t c) {
  if (c < 0x80) return c > ' ' && c < 0x7F && !IsAsciiLetter(c) && !IsDigit(c);
  return (c >= 0x00A1 && c <= 0x00BF && c != 0xAA && c != 0xB5 && c != 0xBA) || c == 0xD7 ||
         c == 0xF7 || (c >= 0x2010 && c <= 0x205E) || (c >= 0x3000 && c <= 0x303F) ||
         (c >= 0xFF01 && c <= 0xFF0F);
}

char32_t ToLower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if ((c >= 0xC0 && c <= 0xDE && c != 0xD7)) return c + 32;   // Latin-1
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;  // Greek
  if (c >= 0x410 && c <= 0x42F) return c + 32;                // Cyrillic
  if (c >= 0x400 && c <= 0x40F) return c + 80;                // Cyrillic Ѐ..Џ
  return c;
}

char32_t Canonical(char32_t c) {
  switch (c) {
    case 0x2018:
    case 0x2019:
    case 0x201B:
    case 0x2032:
    case 0x00B4:
    case 0x0060:
      return '\'';
    case 0x201C:
    case 0x201D:
    case 0x201F:
    case 0x2033:
      return '"';
    default:
      return ToLower(c);
  }
}

std::u32string Decode(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    char32_t cp = 0;
    const size_t n = platform::DecodeUtf8At(text, i, &cp);
    if (n == 0) {
      ++i;  // drop the bad byte
      continue;
    }
    out.push_back(cp);
    i += n;
  }
  return out;
}

std::u32string DecodeEntities(const std::u32string& in) {
  static const std::array<std::pair<std::u32string_view, char32_t>, 6> kEntities = {{
      {U"&amp;", '&'},
      {U"&lt;", '<'},
      {U"&gt;", '>'},
      {U"&quot;", '"'},
      {U"&#39;", '\''},
      {U"&apos;", '\''},
  }};
  std::u32string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size();) {
    bool replaced = false;
    if (in[i] == '&') {
      for (const auto& [name, ch] : kEntities) {
        if (in.compare(i, name.size(), name) == 0) {
          out.push_back(ch);
          i += name.size();
          replaced = true;
          break;
        }
      }
    }
    if (!replaced) out.push_back(in[i++]);
  }
  return out;
}

// Emoticons, longest first within each group; matched on the lower-cased text.
struct Emoticon {
  std::u32string_view text;
  std::string_view token;
};
constexpr std::array<Emoticon, 40> kEmoticons = {{
    {U":'-(", "<cry>"},        {U":'(", "<cry>"},       {U";'(", "<cry>"},
    {U":-)", "<smile>"},       {U":)", "<smile>"},      {U"=)", "<smile>"},
    {U":]", "<smile>"},        {U":o)", "<smile>"},     {U"(:", "<smile>"},
    {U"^_^", "<smile>"},       {U"^^", "<smile>"},      {U":-d", "<laugh>"},
    {U":d", "<laugh>"},        {U"=d", "<laugh>"},      {U"xd", "<laugh>"},
    {U":-(", "<sad>"},         {U":(", "<sad>"},        {U"=(", "<sad>"},
    {U":[", "<sad>"},          {U"):", "<sad>"},        {U";-)", "<wink>"},
    {U";)", "<wink>"},         {U";d", "<wink>"},       {U":-p", "<tongue>"},
    {U":p", "<tongue>"},       {U";p", "<tongue>"},     {U"=p", "<tongue>"},
    {U"</3", "<brokenheart>"}, {U"<3", "<heart>"},      {U":-/", "<skeptical>"},
    {U":/", "<skeptical>"},    {U":\\", "<skeptical>"}, {U":-|", "<skeptical>"},
    {U":|", "<skeptical>"},    {U":-o", "<surprised>"}, {U":o", "<surprised>"},
    {U"o_o", "<surprised>"},   {U"o.o", "<surprised>"}, {U"-_-", "<skeptical>"},
    {U":s", "<skeptical>"},
}};

bool IsWordChar(char32_t c) {
  return !IsSpace(c) && !IsPunct(c) && !IsEmoji(c) && !IsEmojiModifier(c) && c >= 0x20;
}

class Tokenizer {
 public:
  explicit Tokenizer(std::u32string text) : s_(std::move(text)) {}

  std::string Run() {
    size_t i = 0;
    while (i < s_.size()) {
      const char32_t c = s_[i];
      if (IsSpace(c) || IsEmojiModifier(c) || c < 0x20) {
        ++i;
      } else if (size_t n = MatchUrl(i)) {
        Emit("<url>");
        i += n;
      } else if (size_t k = MatchSpecialToken(i)) {
        i += k;
      } else if (c == '@' && i + 1 < s_.size() && IsWordChar(s_[i + 1]) &&
                 (i == 0 || !IsWordChar(s_[i - 1]))) {
        Emit("<user>");
        i = SkipWhile(i + 1, [](char32_t x) { return IsWordChar(x) || x == '_'; });
      } else if (size_t m = MatchEmoticon(i); m > 0) {
        i += m;
      } else if (IsEmoji(c)) {
        std::string tok;
        AppendUtf8(c, &tok);
        Emit(tok);
        Emit(EmojiEmoticon(c));
        ++i;
      } else if (IsPunct(c)) {
        if (c == '#' && i + 1 < s_.size() && IsWordChar(s_[i + 1])) {
          ++i;  // hashtag: keep the word only
          continue;
        }
        const size_t end = SkipWhile(i, [c](char32_t x) { return x == c; });
        std::string tok;
        const char32_t mark = c == 0x2026 ? U'.' : c;  // "…" reads as ".."
        const size_t count = c == 0x2026 ? 2 : std::min<size_t>(end - i, 2);
        for (size_t k = 0; k < count; ++k) AppendUtf8(mark, &tok);
        Emit(tok);
        i = end;
      } else {
        i = Word(i);
      }
    }
    return std::move(out_);
  }

 private:
  template <typename Pred>
  size_t SkipWhile(size_t i, Pred pred) const {
    while (i < s_.size() && pred(s_[i])) ++i;
    return i;
  }

  bool StartsWith(size_t i, std::u32string_view p) const { return s_.compare(i, p.size(), p) == 0; }

  // Our own tokens ("<url>", "<smile>"...) pass through, so normalising twice changes nothing.
  size_t MatchSpecialToken(size_t i) {
    static constexpr std::array<std::u32string_view, 13> kSpecial = {
        U"<url>",         U"<user>",      U"<num>",      U"<smile>",  U"<laugh>",
        U"<sad>",         U"<cry>",       U"<wink>",     U"<tongue>", U"<heart>",
        U"<brokenheart>", U"<skeptical>", U"<surprised>"};
    if (s_[i] != '<') return 0;
    for (const auto tok : kSpecial) {
      if (!StartsWith(i, tok)) continue;
      const size_t end = i + tok.size();
      if (end < s_.size() && IsWordChar(s_[end])) continue;
      std::string out;
      for (char32_t c : tok) AppendUtf8(c, &out);
      Emit(out);
      return tok.size();
    }
    return 0;
  }

  size_t MatchUrl(size_t i) const {
    if (i > 0 && IsWordChar(s_[i - 1])) return 0;
    if (!StartsWith(i, U"http://") && !StartsWith(i, U"https://") && !StartsWith(i, U"www."))
      return 0;
    return SkipWhile(i, [](char32_t x) { return !IsSpace(x); }) - i;
  }

  // An emoticon counts only when it is not glued to a word on its left or right ("xd" inside
  // "xdd" or "boxd" is not a laugh).
  size_t MatchEmoticon(size_t i) {
    if (i > 0 && IsWordChar(s_[i - 1]) && IsWordChar(s_[i])) return 0;
    for (const auto& e : kEmoticons) {
      if (!StartsWith(i, e.text)) continue;
      const size_t end = i + e.text.size();
      const bool ends_in_letter = IsAsciiLetter(e.text.back());
      if (ends_in_letter && end < s_.size() && IsWordChar(s_[end])) continue;
      if (IsAsciiLetter(e.text.front()) && i > 0 && IsWordChar(s_[i - 1])) continue;
      Emit(e.token);
      // ":)))" is still one smile.
      return SkipWhile(end, [last = e.text.back()](char32_t x) { return x == last; }) - i;
    }
    return 0;
  }

  // A run of word characters; an apostrophe between two letters stays inside the word.
  size_t Word(size_t i) {
    std::u32string w;
    while (i < s_.size()) {
      const char32_t c = s_[i];
      if (IsWordChar(c)) {
        w.push_back(c);
        ++i;
      } else if (c == '\'' && !w.empty() && i + 1 < s_.size() && IsWordChar(s_[i + 1])) {
        w.push_back(c);
        ++i;
      } else {
        break;
      }
    }
    bool all_digits = true;
    for (char32_t c : w) all_digits = all_digits && IsDigit(c);
    if (all_digits) {
      Emit("<num>");
      return i;
    }
    std::string tok;
    char32_t prev = 0;
    int run = 0;
    for (char32_t c : w) {
      run = (c == prev) ? run + 1 : 1;
      prev = c;
      if (run > 2 && !IsDigit(c)) continue;  // squash letters repeated 3+ times to 2
      AppendUtf8(c, &tok);
    }
    Emit(tok);
    return i;
  }

  void Emit(std::string_view tok) {
    if (tok.empty()) return;
    if (!out_.empty()) out_.push_back(' ');
    out_.append(tok);
  }

  std::u32string s_;
  std::string out_;
};

}  // namespace

Status ValidateText(std::string_view text) {
  if (text.empty()) {
    return MakeError(ErrorCode::kInvalidArgument, "text is empty: send at least one word");
  }
  if (const auto bad = FirstInvalidUtf8(text)) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "text is not valid UTF-8 (first bad byte at offset " + std::to_string(*bad) +
                         "): send UTF-8 encoded text");
  }
  const size_t n = CountCodePoints(text);
  if (n > kMaxTextCodePoints) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "text is " + std::to_string(n) + " characters long; the limit is " +
                         std::to_string(kMaxTextCodePoints) + ": send a shorter text");
  }
  bool only_space = true;
  for (char32_t c : Decode(text)) {
    if (!IsSpace(c)) {
      only_space = false;
      break;
    }
  }
  if (only_space) {
    return MakeError(ErrorCode::kInvalidArgument,
                     "text contains only whitespace: send at least one word");
  }
  return Status::Ok();
}

std::string NormalizeText(std::string_view text) {
  std::u32string s = DecodeEntities(Decode(text));
  for (char32_t& c : s) c = Canonical(c);
  return Tokenizer(std::move(s)).Run();
}

}  // namespace moodtape::emotion
