// Gangsta rap: swagger, the streets, the hustle, loyalty and the climb from the bottom. Lines are
// two halves (about six syllables each) so the flow can chain vowels across them; {N*} is the
// internal rhyme.
#include "services/producer/core/lyrics/phrase_bank.h"

namespace moodtape::producer {

const PhraseBank& RapPhraseBank() {
  static const PhraseBank kBank{
      // nouns
      R"(block hood corner hustle paper money cash grind chain gold ice crown king throne squad
      crew mic rhyme flow beat verse track studio street game plan dream struggle pressure vision
      mission ambition position competition condition hunger danger stranger motion ocean
      devotion emotion notion potion legend boss respect loyalty glory pride rent check deal
      spot city night microphone pocket wallet sneaker jacket engine motor diamond gravel
      concrete asphalt siren shadow summer winter mama brother partner rival player leader
      kingdom empire hustler honey bottom pavement traffic window mirror trouble double bubble
      rubble muscle tussle bustle treasure measure pleasure pleasure weather leather feather
      fever paper later major flavor neighbor favor danger anger ranger ocean prison decision
      tradition mission rhythm system wisdom kingdom freedom reason season treason
      reaper legacy lottery victory battle cattle saddle shadow meadow ghetto stiletto tempo
      payback comeback setback soundtrack blacktop rooftop laptop headline deadline skyline
      storyline lifeline hotline grind dollar collar scholar summer drummer number
      thunder hunger wonder blunder)",
      // adjectives
      R"(cold hard real fresh raw bold heavy hungry loyal royal famous crazy lazy shady icy
      flashy classy fancy clean mean smooth slick sharp quick young rich broke true golden
      dangerous major wicked steady ready deadly heavy gritty pretty silent violent vicious
      hollow solid stolen frozen chosen humble nimble)",
      // transitive verbs
      R"(run own rock drop spit flip stack count chase push move rule hold take break shake claim
      earn build ride roll spend flex carry lift burn cross trust bless keep get need watch check
      grab snatch ditch pitch switch hit cook serve shine hustle double stretch fold cover
      handle settle)",
      // intransitive verbs
      R"(grind hustle shine rise stand ride roll flow glide climb wait stay pray fly win ball
      cruise slide shift rhyme spit boast flex bounce)",
      // places
      R"(block hood corner street city alley studio booth club basement lobby rooftop avenue
      boulevard station)",
      // grammar
      R"(
title = {T} money | {T} season | {A} {T} | {T} on my mind | king of the {T} | {T} dreams
      | {T} hustle | all about the {T} | {T} to the top | {T} empire | {A} {T} anthem

verse = <ra>, <rb> | <ra>, <rb> | <ra>, <rb> | <ra> <rb> | <rlead> <rfull>
rlead = yeah, | look, | uh, | and | so | now | real talk,
pad = yeah, | uh, | look, | real talk, | you know | every day | all night | I said | for real,
ra = came up from the {P} | {Vg} on the {P} | I been {Vg} since the {N}
      | out here in the {A} {P} | every {N} I {Vd} | I keep it {A} | we {Vid} through the {P}
      | real {Ns} never {Vi} | {N*} on my mind | I got {A} {Ns} | they {V} the {N*}
      | I was {A} with the {N} | from the {P} to the {N*} | I put the {N*} in the {N}
      | I {V} the {N*} | hands on the {N} | I remember the {N*} | never {Vg} for the {N}
      | my {N} is {A} | the {N*} is {A} | eyes on the {N*} | all my {Ns} {Vi}
      | late night in the {P} | {A} as the {N*} | {A} {N}, {A} {N*} | no {N}, no {N*}
      | I got the {N*} | it was {A} in the {P} | {Vg} with the {A} {N*}
      | mama told me {A} | back in the {P} | they don't know the {N*} | I came up {A}
      | every day I {Vi} | ever since the {N*} | still in the {P}
rb = now I {V} the {N} | and I {V} the {A} {N} | I'm {Vg} the {N} | with a {A} {N}
      | like a {A} {N} | got my {A} {N} | {Vg} through the {N} | that's the {N}
      | for the {Ns} | watch them {Vi} | I never {Vi} | can't stop the {N} | counting {Ns}
      | in the {A} {N} | I {Vd} the {N} | {A} with the {N} | still on my {N}
      | call it {N} | I stay {A} | we don't {Vi} | you can feel the {N} | it's a {A} {N}
      | I'm {A} | the {N} is {A} | on the {A} {N} | nothing but the {N}
      | all about the {N} | I {V} the {Ns} | they never {V} the {N}
      | that's how I {Vi} | I made it out the {P} | pull up in the {A} {N}
      | stacking up the {Ns} | never lost my {N} | they can't {V} the {N}
rfull = {A} {N}, {A} {N}, I {V} the {N} | I got the {N*}, I got the {N}
      | I {V} the {N}, {V} the {N}, {V} the {N} | from the {A} {P} to the {A} {N}
      | {Vg} the {Ns}, {Vg} the {N}

chorus_first = <title>, <title>, {Vg} the {N} | <title>, yeah, we {Vi} in the {P}
      | <title>, I got the {N} | <title>, {A} {Ns} on the {P} | <title>, we {V} the {N}
chorus = we {Vi} all night in the {A} {P} | run it up, {Vg} the {N} | hands up for the {Ns}
      | from the {P} to the {N} | they can't stop the {N} | we {Vi} like {A} {Ns}
      | we {V} the {N}, we {V} the {N} | still {Vg} for the {N} | all my {Ns} {Vi}
      | it's the {A} {N} | living {A} in the {P} | the {N} is {A}, the {N} is {A}
      | we came up from the {N} | everybody {Vis} | put your {Ns} up for the {N}
)",
  };
  return kBank;
}

}  // namespace moodtape::producer
