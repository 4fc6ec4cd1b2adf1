#include "services/producer/core/lyrics/forms.h"

#include <algorithm>
#include <string>
#include <string_view>

namespace moodtape::producer {
namespace {

// Syllable targets per line: the composer sets sung lines on eighth notes (at most 8 syllables a
// bar of 4/4) and rap on sixteenths, so each target stays well inside what its bars can carry.
struct LineShape {
  int lines = 4;
  int bars_per_line = 2;
  int min_syllables = 7;
  int max_syllables = 9;
  std::string_view scheme = "AABB";  // repeated over the lines; '-' for an unrhymed line
  bool internal_rhyme = false;
};

class FormBuilder {
 public:
  FormBuilder(Genre genre, SongRandom& random) : random_(random) { form_.genre = genre; }

  // An instrumental section (no lines): intro, solo, outro.
  int Instrumental(SectionKind kind, int bars) {
    SectionSpec section;
    section.kind = kind;
    section.label = SectionKindName(kind);
    section.bars = bars;
    return Add(std::move(section));
  }

  int Sung(SectionKind kind, std::string label, const LineShape& shape) {
    SectionSpec section;
    section.kind = kind;
    section.label = std::move(label);
    section.bars = shape.lines * shape.bars_per_line;
    // A scheme shorter than the section repeats with new sounds: AABB over eight lines is
    // AABBCCDD (rhyming couplets), not one sound for every other pair.
    int letters = 0;
    for (char c : shape.scheme) {
      if (c != '-') letters = std::max(letters, c - 'A' + 1);
    }
    for (int i = 0; i < shape.lines; ++i) {
      LineSpec line;
      line.syllables = random_.Between(shape.min_syllables, shape.max_syllables);
      const size_t size = shape.scheme.size();
      const char c = shape.scheme[static_cast<size_t>(i) % size];
      line.rhyme = c == '-' ? '-' : static_cast<char>(c + letters * (i / static_cast<int>(size)));
      line.internal_rhyme = shape.internal_rhyme;
      section.lines.push_back(line);
    }
    return Add(std::move(section));
  }

  // A twelve-bar blues verse: line 1 stated, line 2 the same words, line 3 answers it with a
  // rhyme; four bars each.
  int BluesVerse(std::string label, int min_syllables, int max_syllables) {
    SectionSpec section;
    section.kind = SectionKind::kVerse;
    section.label = std::move(label);
    section.bars = 12;
    LineSpec stated;
    stated.syllables = random_.Between(min_syllables, max_syllables);
    stated.rhyme = 'A';
    LineSpec repeated = stated;
    repeated.repeats_line = 0;
    LineSpec answer;
    answer.syllables = random_.Between(min_syllables, max_syllables);
    answer.rhyme = 'A';
    section.lines = {stated, repeated, answer};
    return Add(std::move(section));
  }

  // The section sung again word for word (a chorus or hook returning).
  int Repeat(int original) {
    SectionSpec section = form_.sections[static_cast<size_t>(original)];
    section.repeat_of = original;
    return Add(std::move(section));
  }

  SongForm Build() { return std::move(form_); }

 private:
  int Add(SectionSpec section) {
    form_.sections.push_back(std::move(section));
    return static_cast<int>(form_.sections.size()) - 1;
  }

  SongRandom& random_;
  SongForm form_;
};

// Gangsta rap: intro, three sixteen-bar verses of rhyming couplets on one-bar lines, a hook
// after each, outro. About 80 bars: 3.3 to 3.9 minutes over the genre's 82-96 bpm.
SongForm RapForm(SongRandom& random) {
  FormBuilder form(Genre::kGangstaRap, random);
  const int variant = random.Between(0, 2);
  LineShape verse{16, 1, 11, 13, "AABB", true};
  if (variant == 2) {  // a denser flow
    verse.min_syllables = 12;
    verse.max_syllables = 14;
  }
  LineShape hook{4, 2, 10, 12, "AABB", false};
  if (variant == 1) hook = LineShape{8, 1, 10, 11, "AABB", false};
  if (variant == 2) hook.scheme = "ABAB";
  form.Instrumental(SectionKind::kIntro, 4);
  form.Sung(SectionKind::kVerse, "Verse 1", verse);
  const int first_hook = form.Sung(SectionKind::kHook, "Hook", hook);
  form.Sung(SectionKind::kVerse, "Verse 2", verse);
  form.Repeat(first_hook);
  form.Sung(SectionKind::kVerse, "Verse 3", verse);
  form.Repeat(first_hook);
  form.Instrumental(SectionKind::kOutro, 4);
  return form.Build();
}

// Heavy metal: long half-time vocal lines over fast riffs (four bars a line), ABAB verses, a
// two-line pre-chorus that lifts into an anthemic chorus, guitar solo, bridge. 120 bars:
// 2.9 to 4 minutes over 120-168 bpm.
SongForm MetalForm(SongRandom& random) {
  FormBuilder form(Genre::kHeavyMetal, random);
  const int variant = random.Between(0, 2);
  const LineShape verse{4, 4, 8, 10, "ABAB", false};
  const LineShape pre{2, 4, 8, 10, "AA", false};
  LineShape chorus{4, 4, 7, 9, variant == 1 ? "ABAB" : "AABB", false};
  LineShape bridge{4, 2, 7, 9, "AABB", false};
  if (variant == 2) bridge = LineShape{2, 4, 8, 10, "AA", false};
  form.Instrumental(SectionKind::kIntro, 4);
  form.Sung(SectionKind::kVerse, "Verse 1", verse);
  const int first_pre = form.Sung(SectionKind::kPreChorus, "Pre-chorus", pre);
  const int first_chorus = form.Sung(SectionKind::kChorus, "Chorus", chorus);
  form.Sung(SectionKind::kVerse, "Verse 2", verse);
  form.Repeat(first_pre);
  form.Repeat(first_chorus);
  form.Instrumental(SectionKind::kSolo, 8);
  form.Sung(SectionKind::kBridge, "Bridge", bridge);
  form.Repeat(first_chorus);
  form.Instrumental(SectionKind::kOutro, 4);
  return form.Build();
}

// Disco polo: short AABB lines, a chorus sung twice in a row after each verse and again twice
// at the end. About 100 bars: 3.1 to 3.4 minutes over 118-130 bpm.
SongForm DiscoPoloForm(SongRandom& random) {
  FormBuilder form(Genre::kDiscoPolo, random);
  const int variant = random.Between(0, 1);
  const LineShape verse{8, 2, 5, 7, "AABB", false};
  const LineShape chorus{4, 2, 5, 7, "AABB", false};
  const LineShape bridge{4, 2, 5, 7, "AABB", false};
  form.Instrumental(SectionKind::kIntro, 8);
  form.Sung(SectionKind::kVerse, "Verse 1", verse);
  const int first_chorus = form.Sung(SectionKind::kChorus, "Chorus", chorus);
  form.Repeat(first_chorus);
  form.Sung(SectionKind::kVerse, "Verse 2", verse);
  form.Repeat(first_chorus);
  form.Repeat(first_chorus);
  if (variant == 0) {
    form.Sung(SectionKind::kBridge, "Bridge", bridge);
  } else {
    form.Instrumental(SectionKind::kSolo, 8);
  }
  form.Repeat(first_chorus);
  form.Repeat(first_chorus);
  form.Instrumental(SectionKind::kOutro, 4);
  return form.Build();
}

// Pop: eight-line verses, a pre-chorus, a chorus that returns three times, a bridge before the
// last chorus. 88 bars: 2.8 to 3.7 minutes over 96-124 bpm.
SongForm PopForm(SongRandom& random) {
  FormBuilder form(Genre::kPop, random);
  const int variant = random.Between(0, 1);
  const LineShape verse{8, 2, 7, 9, variant == 0 ? "ABABCDCD" : "AABBCCDD", false};
  const LineShape pre =
      variant == 0 ? LineShape{4, 2, 7, 9, "AABB", false} : LineShape{2, 4, 8, 10, "AA", false};
  const LineShape chorus{4, 2, 6, 8, "AABB", false};
  const LineShape bridge{4, 2, 7, 9, "ABAB", false};
  form.Instrumental(SectionKind::kIntro, 4);
  form.Sung(SectionKind::kVerse, "Verse 1", verse);
  const int first_pre = form.Sung(SectionKind::kPreChorus, "Pre-chorus", pre);
  const int first_chorus = form.Sung(SectionKind::kChorus, "Chorus", chorus);
  form.Sung(SectionKind::kVerse, "Verse 2", verse);
  form.Repeat(first_pre);
  form.Repeat(first_chorus);
  form.Sung(SectionKind::kBridge, "Bridge", bridge);
  form.Repeat(first_chorus);
  form.Instrumental(SectionKind::kOutro, 4);
  return form.Build();
}

// Synthwave: longer, slower lines (9-11 syllables over two bars), an instrumental break after
// the second chorus, a bridge of long four-bar lines. 72 bars: 2.6 to 3.4 minutes over
// 84-112 bpm.
SongForm SynthwaveForm(SongRandom& random) {
  FormBuilder form(Genre::kSynthwave, random);
  const int variant = random.Between(0, 1);
  const LineShape verse{4, 2, 9, 11, variant == 0 ? "AABB" : "ABAB", false};
  const LineShape chorus{4, 2, 8, 10, "AABB", false};
  const LineShape bridge{2, 4, 10, 12, "AA", false};
  form.Instrumental(SectionKind::kIntro, 8);
  form.Sung(SectionKind::kVerse, "Verse 1", verse);
  const int first_chorus = form.Sung(SectionKind::kChorus, "Chorus", chorus);
  form.Sung(SectionKind::kVerse, "Verse 2", verse);
  form.Repeat(first_chorus);
  form.Instrumental(SectionKind::kSolo, 8);
  form.Sung(SectionKind::kBridge, "Bridge", bridge);
  form.Repeat(first_chorus);
  form.Instrumental(SectionKind::kOutro, 8);
  return form.Build();
}

// Blues: twelve-bar AAB verses and a twelve-bar solo chorus. 64-68 bars: 2.7 to 3.9 minutes
// over 70-100 bpm.
SongForm BluesForm(SongRandom& random) {
  FormBuilder form(Genre::kBlues, random);
  const int variant = random.Between(0, 1);
  form.Instrumental(SectionKind::kIntro, variant == 0 ? 4 : 12);
  form.BluesVerse("Verse 1", 8, 11);
  form.BluesVerse("Verse 2", 8, 11);
  if (variant == 0) form.BluesVerse("Verse 3", 8, 11);
  form.Instrumental(SectionKind::kSolo, 12);
  form.BluesVerse(variant == 0 ? "Verse 4" : "Verse 3", 8, 11);
  form.Instrumental(SectionKind::kOutro, 4);
  return form.Build();
}

// Punk: short verses, a two-line chorus shouted over four bars a line and sung twice in a row,
// a bridge or a solo; 96 bars, about two minutes (1.9 to 2.4) at 160-200 bpm.
SongForm PunkForm(SongRandom& random) {
  FormBuilder form(Genre::kPunk, random);
  const int variant = random.Between(0, 1);
  const LineShape verse{4, 2, 6, 8, variant == 0 ? "AABB" : "ABAB", false};
  const LineShape chorus{2, 4, 5, 7, "AA", false};
  const LineShape bridge{4, 2, 6, 8, "AABB", false};
  form.Instrumental(SectionKind::kIntro, 4);
  form.Sung(SectionKind::kVerse, "Verse 1", verse);
  const int first_chorus = form.Sung(SectionKind::kChorus, "Chorus", chorus);
  form.Repeat(first_chorus);
  form.Sung(SectionKind::kVerse, "Verse 2", verse);
  form.Repeat(first_chorus);
  form.Repeat(first_chorus);
  if (variant == 0) {
    form.Sung(SectionKind::kBridge, "Bridge", bridge);
  } else {
    form.Instrumental(SectionKind::kSolo, 8);
  }
  form.Sung(SectionKind::kVerse, "Verse 3", verse);
  form.Repeat(first_chorus);
  form.Repeat(first_chorus);
  form.Instrumental(SectionKind::kOutro, 4);
  return form.Build();
}

}  // namespace

SongForm MakeForm(Genre genre, SongRandom& random) {
  switch (genre) {
    case Genre::kGangstaRap:
      return RapForm(random);
    case Genre::kHeavyMetal:
      return MetalForm(random);
    case Genre::kDiscoPolo:
      return DiscoPoloForm(random);
    case Genre::kPop:
      return PopForm(random);
    case Genre::kSynthwave:
      return SynthwaveForm(random);
    case Genre::kBlues:
      return BluesForm(random);
    case Genre::kPunk:
      return PunkForm(random);
  }
  return PopForm(random);
}

}  // namespace moodtape::producer
