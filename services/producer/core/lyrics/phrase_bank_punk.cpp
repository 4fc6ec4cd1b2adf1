// Punk: rebellion, boredom and noise; short, blunt lines and a chorus to shout.
#include "services/producer/core/lyrics/phrase_bank.h"

namespace moodtape::producer {

const PhraseBank& PunkPhraseBank() {
  static const PhraseBank kBank{
      // nouns
      R"(noise riot rebel boredom system city street suburb television radio static rage anger
      future nothing sound kid rule law school job boss money lie brain head mouth gutter alley
      wall fence fire chaos anarchy government control machine factory wasteland garage
      basement van guitar drum scream shout cop uniform crowd mob trash garbage concrete
      headline slogan sermon sneer spit bruise fist brick bottle lighter poster flag fuse
      alarm siren trouble weekend monday war army soldier blood scream hate)",
      // adjectives
      R"(bored sick loud fast young wild dumb fake plastic cheap broken angry rotten dead gray
      ugly empty useless stupid boring numb dirty filthy hollow cold mean restless reckless
      nervous)",
      // transitive verbs
      R"(break smash burn hate wreck fight trash ditch quit steal tear rip spray kick shake
      ignore refuse reject defy waste blow)",
      // intransitive verbs
      R"(shout scream riot run fight burn rot rage jump rebel explode crash yell spit bleed
      shake drown drop quit)",
      // places
      R"(street city suburb alley gutter garage basement school mall parking)",
      // grammar
      R"(
title = {A} {T} | no more {T} | {T} riot | smash the {T} | {T} is dead | bored of {T}
      | {T} noise | {T} now | {A} {T} blues | {T} forever | down with {T}

verse = <kclause> | <kclause> | <kclause>
kclause = I'm sick of your {A} {N} | we don't need your {N} | {Vg} in the {A} {P}
      | the {N} is {A} | we {V} the {N} | nothing left to {V} | {A} {Ns}, {A} {Ns}
      | kick down the {N} | you {V} my {N} | the {T} is {A} | I {Vd} the {N}
      | turn off the {N} | another {A} {N} | stuck in the {A} {P} | they {V} the {N}
      | we {Vi} all night | every {N} is {A} | no {N}, no {N} | your {A} {Ns}
      | I won't {V} your {N} | the {Ns} {Vi} | they sell us {A} {Ns} | we're too {A} to {Vi}
      | don't tell me what to {V} | they want us {A} | smash the {A} {N} | it's a {A} {N}
      | I hate the {N} | burn down the {N} | we are the {A} {Ns}
      | wasting away in the {P} | same old {N}, same old {N} | I don't care about the {N}

chorus_first = <title>! <title>! | <title>, {V} the {N}! | <title>, we {Vi}!
      | <title>, no more {Ns}!
chorus = we won't {Vi}! | {V} the {N}! | no more {Ns}! | {A} {Ns}! | we are {A}!
      | hey, hey, {Vg}! | {A}, {A}, {A}! | we don't want your {N}! | tear it down, {V} the {N}!
      | never {Vi}! | go, go, {Vi}!

bridge = <kclause> | one, two, {V} the {N} | and we {Vi} | nothing but {N}
)",
  };
  return kBank;
}

}  // namespace moodtape::producer
