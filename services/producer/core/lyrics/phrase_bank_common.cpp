// General words every genre can use, and the shared rules the genre grammars build on.
#include "services/producer/core/lyrics/phrase_bank.h"

namespace moodtape::producer {

const PhraseBank& CommonPhraseBank() {
  static const PhraseBank kBank{
      // nouns (neutral: the dark ones live in the banks of the genres that want them)
      R"(heart night day light fire rain sky sun moon star dream time world road love life soul
      mind eye hand voice name door window wall room house home car train river sea ocean shore
      wave wind storm thunder cloud shadow smoke dust stone glass gold silver money diamond ring
      crown king queen angel heaven kiss smile tear truth secret promise memory story song music
      rhythm beat radio mirror picture letter word page clock hour morning evening midnight
      summer winter autumn spring season snow ice flame spark skin breath heartbeat pulse face
      lips hair dress jacket coat key chain bridge tower garden flower rose tree forest field
      mountain hill valley desert island highway corner station hotel party dance game prize
      peace hero stranger friend lover baby brother sister mother father child crowd freedom
      danger trouble pain joy hope fear pride glory power silence noise echo whisper weather
      ceiling floor table bottle candle pocket engine wheel horizon sunrise sunset daylight
      moonlight starlight feeling moment chance future yesterday tomorrow wonder magic spirit
      reason answer question lesson rumor legend prayer harbor canyon meadow paper ticket
      photograph signal motion treasure measure pleasure pressure vision mission decision fever
      river number hunger desire)",
      // adjectives
      R"(cold warm hot wild free young old new lost broken golden dark bright electric lonely
      empty heavy sweet bitter endless restless crazy lucky little big long slow fast quiet loud
      strange true secret open hidden shining falling rising fading blue red black white green
      gray deep high low hard soft tender gentle brave proud alive clean wise sad glad pale
      silent sacred simple perfect precious sudden careless fearless hungry dizzy lazy easy
      steady ready hollow yellow narrow mellow stolen frozen chosen distant final fragile
      brilliant beautiful dangerous)",
      // transitive verbs
      R"(hold chase find lose break take make keep leave need want love feel touch kiss call save
      follow remember forget carry raise light win steal hide throw catch shake show tell sing
      play drive ride build bring drop miss wake hear see watch meet paint write open close
      cross free trust answer)",
      // intransitive verbs
      R"(run fall rise shine dance cry fly dream wait stay go come walk sleep live breathe whisper
      fade glow drift roll move sway spin turn stand wander smile laugh pray shake sing ride
      climb swim hide)",
      // places
      R"(street city club alley highway town dark rain night crowd light storm wind desert valley
      garden kitchen station tunnel ocean sky corner harbor border)",
      // shared rules
      R"(
np = the {N} | the {A} {N} | my {N} | your {N} | our {N} | this {N} | the {A} {N}
nps = the {Ns} | {A} {Ns} | all the {Ns} | our {Ns} | your {Ns} | the {A} {Ns}
place = the {P} | the {A} {P} | this {P}
lead = | | | oh, | and | so | now | yeah, | and now | but | tonight | then
pad = oh, | yeah, | and | so | now | oh, oh, | yeah, yeah, | and now | tonight, | oh, yeah,
)",
  };
  return kBank;
}

}  // namespace moodtape::producer
