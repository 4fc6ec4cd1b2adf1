// Pop: hearts, tonight, the rush of a feeling; direct second-person lines and a big chorus.
#include "services/producer/core/lyrics/phrase_bank.h"

namespace moodtape::producer {

const PhraseBank& PopPhraseBank() {
  static const PhraseBank kBank{
      // nouns
      R"(heart love night light fire dream world sky star kiss touch feeling moment heartbeat
      secret story song radio summer city window car road friend lover stranger memory promise
      tear smile color sunset weekend midnight chance rush spark glow gravity ocean wave
      parachute rocket satellite balloon diamond mirror echo signal rhythm melody universe
      galaxy daylight sunlight highway shoreline skyline heartache headline rollercoaster
      paradise photograph polaroid lipstick sweater neon confetti)",
      // adjectives
      R"(golden young wild free electric beautiful reckless perfect broken brave shining little
      crazy lonely bright sweet bulletproof invincible fearless endless restless careless dizzy
      tender honest open glowing burning fading starry shiny crystal silver magnetic)",
      // transitive verbs
      R"(hold chase find lose break take keep leave need want love feel touch kiss call save
      follow remember forget carry light steal catch shake show tell sing drive fix heal trust
      hide waste)",
      // intransitive verbs
      R"(run fall rise shine dance cry fly dream wait stay glow drift breathe sing explode collide
      ignite float spin sparkle)",
      // places
      R"(dark rain night crowd light city street car rooftop sky ocean)",
      // grammar
      R"(
title = {A} {T} | {T} tonight | my {T} | {T} like this | {T} and gold | the {T}
      | {T} in the dark | hold on to {T} | chasing {T} | {T} forever

verse = <plead> <pclause> | <pclause> | <pclause>
plead = | | and | but | so | now | oh,
pclause = I {V} your {N} | we were {A} and {A} | {Vg} through the {A} {N}
      | like a {N} in the {N} | you {V} my {N} | every {N} feels {A} | we {Vi} like {Ns}
      | tonight the {N} is {A} | your {N} in my {N} | we {Vid} in the {A} {P} | I {Vd} the {N}
      | the {N} was {A} | you and me and the {N} | {Vg} in your {N} | I can feel the {N}
      | counting all the {Ns} | the {T} {Vis} | all the {Ns} were {A} | you {Vd} my {A} {N}
      | I still {V} the {N} | we {Vid} on the {P} | remember when we {Vid}
      | I wrote your name on the {N} | we were kids in the {A} {N} | you said the {N} was {A}
      | I keep your {N} in my {N} | we drove all night to the {N} | your {N} like a {A} {N}
      | all my {Ns} turn {A} | I was {A}, you were {A} | the {N} between us {Vis}
      | we danced in the {A} {N} | you look at me like {N} | I hear your {N} in the {N}
      | you left a {N} on my {N} | we never said the {N} | maybe it's the {N}
      | late at night in the {P}

pre = and I can feel the {N} | oh, we're {Vg} | don't let the {N} {Vi}
      | something in the {N} | can you hear the {N} | we're {Vg}, we're {Vg}
      | I don't want the {N} to {Vi} | every {N} is {Vg} | and the {N} is getting {A}
      | so hold me like the {N} | here it comes, the {N} | we're so close to the {N}

chorus_first = <title>, <title> | <title>, we {Vi} | oh, <title>, {Vg} | <title>, my {N}
      | <title> in my {N} | <title>, the {N} is {A}
chorus = we're {Vg} like {Ns} | hold on to the {N} | we {Vi} tonight | you're my {A} {N}
      | light up the {N} | we {Vi} forever | {Vg} in the {P} | we are {A}
      | don't you {V} the {N} | turn up the {N} | all the {Ns} {Vi} | dancing on the {N}
      | we're {A} and {A} | say it like a {N} | we'll never {Vi} | you and I are {A}
      | oh, we {Vi} like {Ns} | let the {Ns} {Vi} | take me to the {N}

bridge = <pclause> | maybe we're {A} | the {N} {Vis} and we {Vi} | and if the {N} {Vis}
      | oh, the {N}, the {N} | and when the {Ns} {Vi} | I don't need the {N}
      | if you {V} the {N}
)",
  };
  return kBank;
}

}  // namespace moodtape::producer
