// Text checks and the one normalisation used by both training and serving. A model is only as
// good as the match between what it was trained on and what it is asked, so every path
// (train, eval, predict, the gRPC service, the cache key) goes through NormalizeText().
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "platform/base/error.h"
#include "platform/base/text.h"

namespace moodtape::emotion {

// Longest text accepted, in Unicode code points (not bytes).
inline constexpr size_t kMaxTextCodePoints = 5000;

using platform::CountCodePoints;
using platform::FirstInvalidUtf8;

// Rejects, with kInvalidArgument and a message a person can act on: invalid UTF-8, empty text,
// whitespace only (Unicode spaces included), more than kMaxTextCodePoints code points.
// Other scripts and all-emoji text are accepted.
platform::Status ValidateText(std::string_view text);

// Canonical token stream, tokens separated by one ASCII space. Choices, in order:
//  - invalid UTF-8 sequences are dropped (callers validate first; this keeps output valid);
//  - HTML entities that tweets carry (&amp; &lt; &gt; &quot; &#39;) are decoded, typographic
//    apostrophes/quotes become ASCII ones;
//  - URLs (http://, https://, www.) -> "<url>", @mentions -> "<user>", a '#' before a word is
//    dropped (the hashtag's word carries the meaning), digit runs -> "<num>";
//  - ASCII emoticons become one canonical token each: <smile> <laugh> <sad> <cry> <wink>
//    <tongue> <heart> <skeptical> <surprised> (":-)", "=)", ":]" all mean the same);
//  - emoji stay, one token per emoji; skin-tone modifiers, variation selectors and
//    zero-width joiners are dropped so variants share a token; an emoji with an emoticon
//    meaning (😭 😂 🙂 ❤ ...) is followed by that emoticon's token too ("😭" -> "😭
//    <cry>");
//  - lower-case for Latin (ASCII + Latin-1), Greek and Cyrillic; other scripts are unchanged;
//  - a letter repeated 3+ times is squashed to 2 ("soooo" -> "soo", "good" stays);
//  - punctuation is split from words, one token per run, a run of the same mark capped at 2
//    ("!!!!" -> "!!", "..." -> ".."); an apostrophe inside a word stays ("can't").
std::string NormalizeText(std::string_view text);

}  // namespace moodtape::emotion
