// Disco polo: dancing, love, summer nights and stars; short, sunny, a little naive lines sung to
// a four-on-the-floor beat.
#include "services/producer/core/lyrics/phrase_bank.h"

namespace moodtape::producer {

const PhraseBank& DiscoPoloPhraseBank() {
  static const PhraseBank kBank{
      // nouns
      R"(love heart night star dance party summer music girl boy darling beauty smile eye kiss
      rose queen angel moon light dream rhythm song sun sea beach holiday disco floor sky honey
      sugar candy melody wedding village garden window balcony lake river meadow sunshine
      moonlight starlight sweetheart princess lady treasure flower cherry berry apple wine
      champagne violin accordion radio weekend evening morning heaven paradise island sparkle
      glitter shine bride romance lips hand hair dress ribbon butterfly diamond rainbow
      carousel festival firefly)",
      // adjectives
      R"(beautiful sweet pretty lovely crazy happy young golden bright little hot warm wild sunny
      shiny dreamy magic tender gentle only dear precious silver starry summer rosy merry jolly
      lucky dizzy pink blue red)",
      // transitive verbs
      R"(love kiss hold want need see call take miss meet tell show hug squeeze chase follow
      remember)",
      // intransitive verbs
      R"(dance sing shine smile fly spin swing glow laugh dream sway twirl party celebrate sparkle
      shimmer)",
      // places
      R"(floor party disco beach club village garden meadow balcony lake)",
      // grammar
      R"(
title = {A} {T} | my {T} | {T} tonight | {T} of love | dancing {T} | oh, {T} | {T} queen
      | summer {T} | {T} of mine | little {T} | {T} forever | sweet {T}

verse = <dclause> | <dclause> | oh, <dclause>
dclause = you are my {N} | {Vg} all night | dance with me, {N} | under the {Ns}
      | your {A} {Ns} | in the {A} {N} | I {V} your {N} | tonight we {Vi} | my {A} {N}
      | the {N} is {A} | oh my {A} {N} | kiss me, {A} {N} | all the {Ns} {Vi} | the {Ns} {Vi}
      | {A} {N} of mine | you and I {Vi} | like a {A} {N} | I {V} your {Ns} | come and {Vi}
      | girl, you {V} my {N} | hand in hand we {Vi} | the {T} is {A} | you're so {A}
      | in your {A} {Ns} | when you {Vi} | baby, you're my {N} | I {Vd} your {N}
      | your eyes are {A} | sweet as {N} | my heart is {Vg} | one more {N}
      | you're the {A} {N} | give me one more {N} | we {Vi} by the {P} | stars above the {P}
      | on the {P} we {Vi} | music in the {N} | only for your {N} | {A} {N}, {A} {N}

chorus_first = <title>, <title> | <title>, my {N} | <title>, you're so {A} | <title>, we {Vi}
      | <title> by the {P}
chorus = dance with me, my {N} | hold me, {A} {N} | we {Vi} till the {N} | {Vg} all the night
      | you're my {A} {N} | under the {A} {N} | all night we {Vi} | {Vg} like a {N}
      | my {N} is {A} | come on, let's {Vi} | oh, oh, my {N} | hey, hey, {A} {N}
      | la la la, we {Vi} | I'm your {N} | turn around, {N}

bridge = <dclause> | only you, my {N} | {A} {N} and me | when the {Ns} {Vi}
      | one more time we {Vi} | say you {V} my {N}
)",
  };
  return kBank;
}

}  // namespace moodtape::producer
