// Text for the generated community that full-text search can be measured on honestly.
//
// A few dozen fixed sentences reused across a million posts would make every word occur in a large,
// fixed share of the posts: GIN posting lists all long, no rare words, nothing like a real forum. So
// each generated text also carries a sentence drawn from a long-tailed vocabulary: a few thousand
// pronounceable made-up words whose frequencies follow Zipf's law (the word of rank r is used in
// proportion to 1/r), the way word frequencies in real discussion fall off. A few words are then very
// common, a few hundred are in a fair share of the posts, and most are rare. Everything is derived from
// a seed, so the same seed gives the same words, texts and titles.

/** mulberry32: small, fast, good enough for shaping data; the same seed gives the same community. */
export function makeRandom(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return { next, normal, int: (n: number) => Math.floor(next() * n) };
}
export type Random = ReturnType<typeof makeRandom>;

/** Sampling from fixed weights (index 1..n) by binary search over the cumulative sums. */
export function weightedSampler(weights: Float64Array, random: Random) {
  const cumulative = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) cumulative[i] = sum += weights[i]!;
  return () => {
    const x = random.next() * sum;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

// ---------------------------------------------------------------- the long-tailed vocabulary

export const VOCABULARY_SIZE = 6000;
/** Zipf exponent: about 1 for word frequencies in natural text. */
export const ZIPF_EXPONENT = 1;

const ONSETS = ['b', 'br', 'c', 'ch', 'cl', 'd', 'dr', 'f', 'fl', 'g', 'gr', 'h', 'j', 'k', 'l', 'm', 'n', 'p', 'pl', 'pr', 'r', 's', 'sh', 'sk', 'st', 't', 'th', 'tr', 'v', 'w', 'z'];
const VOWELS = ['a', 'e', 'i', 'o', 'u', 'ai', 'ea', 'io', 'ou'];
const CODAS = ['', '', '', 'n', 'r', 'l', 's', 'm', 'nd', 'rt', 'st', 'x'];

/**
 * VOCABULARY_SIZE distinct made-up words of 2–3 syllables (4–12 letters), in rank order: index 0 is
 * the most frequent. Made-up words so that no real word's own frequency (or stop-word status in a
 * language configuration) distorts the distribution.
 */
export function makeVocabulary(seed: number): string[] {
  const random = makeRandom(seed * 7919 + 11);
  const pick = <T>(list: readonly T[]) => list[random.int(list.length)]!;
  const words = new Set<string>();
  while (words.size < VOCABULARY_SIZE) {
    const syllables = 2 + (random.next() < 0.35 ? 1 : 0);
    let word = '';
    for (let s = 0; s < syllables; s++) word += pick(ONSETS) + pick(VOWELS) + (s === syllables - 1 ? pick(CODAS) : '');
    if (word.length >= 4 && word.length <= 12) words.add(word);
  }
  return [...words];
}

/** Draws word ranks (1-based) with probability proportional to 1/rank^ZIPF_EXPONENT. */
export function zipfSampler(random: Random, size = VOCABULARY_SIZE) {
  const weights = new Float64Array(size);
  for (let r = 1; r <= size; r++) weights[r - 1] = r ** -ZIPF_EXPONENT;
  return weightedSampler(weights, random);
}

/** A sentence of 6–15 vocabulary words: "Tamisk velora obrent, calib der fonwa." (plain text, no markdown). */
export function vocabularySentence(random: Random, vocabulary: string[], nextRank: () => number): string {
  const n = 6 + random.int(10);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    let word = vocabulary[nextRank() - 1]!;
    if (i > 1 && i < n - 1 && random.next() < 0.08) word += ',';
    words.push(word);
  }
  const sentence = words.join(' ');
  return `${sentence[0]!.toUpperCase()}${sentence.slice(1)}.`;
}

// ---------------------------------------------------------------- titles

const PROBLEM_VERBS = ['get', 'help', 'encourage', 'persuade', 'support', 'motivate', 'prepare', 'convince', 'train', 'coach'];
const PROBLEM_GROUPS = [
  'experienced teachers', 'new trainers', 'primary teachers', 'novice teachers', 'trainee teachers', 'heads of department',
  'mentors', 'school leaders', 'online participants', 'reluctant colleagues', 'secondary teachers', 'part-time tutors',
];
const PROBLEM_ACTIONS = [
  'give peer feedback', 'reflect in writing', 'observe each other', 'try group work', 'plan lessons together',
  'use video recordings', 'share lesson plans', 'speak up in sessions', 'read the course materials', 'finish the online module',
  'set clear lesson aims', 'work with large classes', 'use formative assessment', 'adapt the coursebook', 'keep a teaching journal',
];
const PROBLEM_CONTEXTS = [
  'in a short course', 'after the observation', 'with mixed-ability classes', 'in rural schools', 'when time is short',
  'in the first session', 'without extra pay', 'across two campuses', 'in a second language', 'during exam season',
  'with fifty learners', 'on a tight budget', 'in a blended course', 'after the new curriculum',
];
const PROBLEM_ISSUES = [
  'nobody talks in the feedback round', 'participants stop coming after week two', 'the checklist feels like an inspection',
  'trainees copy the model lesson', 'the reading is too long', 'colleagues resist peer observation', 'the survey says nothing useful',
  'the follow-up visits never happen', 'the certificate matters more than the learning', 'mentors have no time',
];
const CPD_THEMES = [
  'Reflective practice', 'Loop input', 'Peer observation', 'Feedback after observations', 'Mentoring new trainers',
  'Large classes', 'Formative assessment', 'Lesson planning in pairs', 'Video for self-evaluation', 'Evaluating a course',
  'Teacher research', 'Working with the new curriculum', 'Blended CPD', 'Motivation and burnout', 'Questioning techniques',
];
const CPD_ANGLES = [
  'what the research says', 'a case study', 'first steps', 'lessons from a pilot', 'a practical guide', 'questions to discuss',
  'beyond the checklist', 'what changes on Monday', 'evidence and experience', 'three approaches compared',
];

/**
 * A topic title: practice problems read like questions members ask ("How do I get mentors to observe
 * each other in rural schools?"), CPD topics like session headings ("Peer observation: a case study").
 * About half carry a vocabulary word, as real titles name a specific method, place or tool.
 */
export function topicTitle(random: Random, kind: 'cpd' | 'problem', vocabulary: string[], nextRank: () => number): string {
  const pick = <T>(list: readonly T[]) => list[random.int(list.length)]!;
  const word = random.next() < 0.5 ? vocabulary[nextRank() - 1]! : null;
  if (kind === 'cpd') return `${pick(CPD_THEMES)}${word ? ` in the ${word} project` : ''}: ${pick(CPD_ANGLES)}`;
  const context = word ? `in the ${word} programme` : pick(PROBLEM_CONTEXTS);
  switch (random.int(4)) {
    case 0:
      return `How do I ${pick(PROBLEM_VERBS)} ${pick(PROBLEM_GROUPS)} to ${pick(PROBLEM_ACTIONS)} ${context}?`;
    case 1:
      return `${capitalise(pick(PROBLEM_GROUPS))} ${context}: ${pick(PROBLEM_ISSUES)}`;
    case 2:
      return `Any ideas when ${pick(PROBLEM_ISSUES)} ${context}?`;
    default:
      return `Getting ${pick(PROBLEM_GROUPS)} to ${pick(PROBLEM_ACTIONS)} ${context}`;
  }
}

const capitalise = (s: string) => `${s[0]!.toUpperCase()}${s.slice(1)}`;

/** Words a title's word may be swapped for (similar-problems queries): the title lists' own content words. */
export const TITLE_SWAP_WORDS = [
  ...new Set(
    [...PROBLEM_GROUPS, ...PROBLEM_ACTIONS, ...PROBLEM_CONTEXTS, ...PROBLEM_ISSUES]
      .flatMap((phrase) => phrase.split(/[\s-]+/))
      .filter((w) => w.length >= 5),
  ),
];
