#include "services/producer/core/lyrics/phrase_bank.h"

namespace moodtape::producer {

const PhraseBank& PhraseBankOf(Genre genre) {
  switch (genre) {
    case Genre::kGangstaRap:
      return RapPhraseBank();
    case Genre::kHeavyMetal:
      return MetalPhraseBank();
    case Genre::kDiscoPolo:
      return DiscoPoloPhraseBank();
    case Genre::kPop:
      return PopPhraseBank();
    case Genre::kSynthwave:
      return SynthwavePhraseBank();
    case Genre::kBlues:
      return BluesPhraseBank();
    case Genre::kPunk:
      return PunkPhraseBank();
  }
  return PopPhraseBank();
}

}  // namespace moodtape::producer
