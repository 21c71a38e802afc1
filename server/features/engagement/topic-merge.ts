// Counting a span's figures from the units of the topic cache (topic-cache.ts): its whole weeks merged once into
// per-topic sorted lists, then each request's days counted against them.
/** Per topic row i: its readers v[vOff[i]..vOff[i+1]) and posters p[pOff[i]..pOff[i+1]), counted acts, first and last act. */
interface TopicLists {
  vOff: Int32Array;
  v: Int32Array;
  pOff: Int32Array;
  p: Int32Array;
  posts: Int32Array;
  first: Float64Array;
  last: Float64Array;
}

/**
 * One unit as kept: one entry per topic with a reader or an act in it (`t`, the topic's index in its community's
 * list) with its lists (TopicLists); and acts per prompt.
 */
export interface TopicUnit extends TopicLists {
  t: Int32Array;
  /** Per topic index, its entry (-1: none); topics interned after the unit was read are past its end. */
  index: Int32Array;
  promptIds: string[];
  promptActs: Int32Array;
  /** The largest participant number in it (-1: none). */
  maxNo: number;
}

/** A topic's figures over a span; readers and posters are members of the span only (`viewed`: anyone read it). */
export interface TopicFigures {
  readers: number;
  posters: number;
  /** Members who both read and wrote. */
  readersWhoPosted: number;
  viewed: boolean;
  posts: number;
  /** First and last counted act, µs since 1970 (null without acts). */
  first: number | null;
  last: number | null;
}

/** Per topic id its figures; per prompt id its counted replies (in whichever topic they now are, as the SQL sums them). */
export interface SpanFigures {
  topics: Map<string, TopicFigures>;
  prompts: Map<string, number>;
}

/**
 * Whole weeks merged: per topic index (those interned when it was made), its readers and posters over all the weeks,
 * each list sorted and without repeats, its acts and first and last act; acts per prompt. `memo`: the member counts
 * for the last list of non-members it was counted with.
 */
export interface Merged extends TopicLists {
  topicCount: number;
  prompts: Map<string, number>;
  maxNo: number;
  memo: { nonMembers: string; readers: Int32Array; posters: Int32Array; both: Int32Array } | null;
}

/** Adds the units' acts per prompt to `prompts`. */
function addPromptActs(prompts: Map<string, number>, units: TopicUnit[]) {
  for (const u of units) {
    for (let k = 0; k < u.promptIds.length; k++) prompts.set(u.promptIds[k]!, (prompts.get(u.promptIds[k]!) ?? 0) + u.promptActs[k]!);
  }
}

/**
 * Appends to `out` the topic's readers (`side` 'v') or posters ('p') over the units, each once and sorted. A
 * participant is marked with `stamp` when taken; the caller gives each call its own stamp, so marks never need clearing.
 */
function appendUnion(units: TopicUnit[], topic: number, side: 'v' | 'p', mark: Int32Array, stamp: number, out: number[]) {
  const from = out.length;
  for (const u of units) {
    const i = topic < u.index.length ? u.index[topic]! : -1;
    if (i < 0) continue;
    const off = side === 'v' ? u.vOff : u.pOff;
    const list = u[side];
    for (let j = off[i]!; j < off[i + 1]!; j++) {
      const x = list[j]!;
      if (mark[x] !== stamp) {
        mark[x] = stamp;
        out.push(x);
      }
    }
  }
  const tail = Int32Array.from(out.slice(from)).sort();
  for (let k = 0; k < tail.length; k++) out[from + k] = tail[k]!;
}

export function mergeUnits(topicCount: number, units: TopicUnit[]): Merged {
  let maxNo = -1;
  for (const u of units) if (u.maxNo > maxNo) maxNo = u.maxNo;
  const mark = new Int32Array(maxNo + 1);
  const vOff = new Int32Array(topicCount + 1);
  const pOff = new Int32Array(topicCount + 1);
  const v: number[] = [];
  const p: number[] = [];
  const posts = new Int32Array(topicCount);
  const first = new Float64Array(topicCount).fill(Infinity);
  const last = new Float64Array(topicCount).fill(-Infinity);
  const prompts = new Map<string, number>();
  addPromptActs(prompts, units);
  for (let topic = 0; topic < topicCount; topic++) {
    for (const u of units) {
      const i = topic < u.index.length ? u.index[topic]! : -1;
      if (i < 0) continue;
      posts[topic] = posts[topic]! + u.posts[i]!;
      if (u.first[i]! < first[topic]!) first[topic] = u.first[i]!;
      if (u.last[i]! > last[topic]!) last[topic] = u.last[i]!;
    }
    // Readers stamped 2·topic+1, posters 2·topic+2.
    appendUnion(units, topic, 'v', mark, 2 * topic + 1, v);
    appendUnion(units, topic, 'p', mark, 2 * topic + 2, p);
    vOff[topic + 1] = v.length;
    pOff[topic + 1] = p.length;
  }
  return { topicCount, vOff, v: Int32Array.from(v), pOff, p: Int32Array.from(p), posts, first, last, prompts, maxNo, memo: null };
}

/** Whether x is in the sorted list[from, to). */
function inSorted(list: Int32Array, from: number, to: number, x: number): boolean {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const y = list[mid]!;
    if (y === x) return true;
    if (y < x) lo = mid + 1;
    else hi = mid;
  }
  return false;
}

/** Appends to `out` each participant of list[from, to) not yet `seen` (marked `stamp`, then marked) nor `inWeeks`. */
function takeNew(list: Int32Array, from: number, to: number, seen: Int32Array, inWeeks: Int32Array, stamp: number, out: number[]) {
  for (let j = from; j < to; j++) {
    const x = list[j]!;
    if (seen[x] === stamp) continue;
    seen[x] = stamp;
    if (inWeeks[x] !== stamp) out.push(x);
  }
}

/**
 * Per topic: its readers, posters and readers who posted over the merged whole weeks and the other units (members
 * only; the merged weeks' counts are kept for the same non-members), its acts; per prompt its acts. A reader of the
 * days who is not among the weeks' readers is new, likewise a poster: readers who posted = those of the weeks, plus
 * new readers among the weeks' posters, weeks' readers among the new posters, and new readers who are new posters.
 */
export function countFigures(topicIds: readonly string[], m: Merged, units: TopicUnit[], nonMembers: number[], maxNo: number): SpanFigures {
  let max = Math.max(maxNo, m.maxNo);
  for (const u of units) if (u.maxNo > max) max = u.maxNo;
  const width = max + 1;
  const member = new Uint8Array(width).fill(1);
  for (const x of nonMembers) if (x < width) member[x] = 0;
  const nmKey = nonMembers.join(',');
  if (m.memo?.nonMembers !== nmKey) {
    const readers = new Int32Array(m.topicCount);
    const posters = new Int32Array(m.topicCount);
    const both = new Int32Array(m.topicCount);
    for (let t = 0; t < m.topicCount; t++) {
      for (let j = m.vOff[t]!; j < m.vOff[t + 1]!; j++) readers[t] = readers[t]! + member[m.v[j]!]!;
      for (let j = m.pOff[t]!; j < m.pOff[t + 1]!; j++) {
        const x = m.p[j]!;
        if (member[x] === 0) continue;
        posters[t] = posters[t]! + 1;
        if (inSorted(m.v, m.vOff[t]!, m.vOff[t + 1]!, x)) both[t] = both[t]! + 1;
      }
    }
    m.memo = { nonMembers: nmKey, readers, posters, both };
  }
  const memo = m.memo;
  // Marks stamped with the topic's number (from 1), never cleared: the weeks' readers and posters of the topic, and
  // the readers and posters of its days seen so far.
  const inWeeksV = new Int32Array(width);
  const inWeeksP = new Int32Array(width);
  const readMark = new Int32Array(width);
  const postMark = new Int32Array(width);
  const out = new Map<string, TopicFigures>();
  const prompts = new Map(m.prompts);
  addPromptActs(prompts, units);
  const newV: number[] = [];
  const newP: number[] = [];
  for (let topic = 0; topic < topicIds.length; topic++) {
    const stamp = topic + 1;
    const inM = topic < m.topicCount;
    const v0 = inM ? m.vOff[topic]! : 0;
    const v1 = inM ? m.vOff[topic + 1]! : 0;
    const p0 = inM ? m.pOff[topic]! : 0;
    const p1 = inM ? m.pOff[topic + 1]! : 0;
    let present = inM && (v1 > v0 || p1 > p0 || m.posts[topic]! > 0);
    let viewed = v1 > v0;
    let posts = inM ? m.posts[topic]! : 0;
    let first = inM ? m.first[topic]! : Infinity;
    let last = inM ? m.last[topic]! : -Infinity;
    newV.length = 0;
    newP.length = 0;
    let marked = false;
    for (const u of units) {
      const i = topic < u.index.length ? u.index[topic]! : -1;
      if (i < 0) continue;
      present = true;
      if (!marked) {
        for (let j = v0; j < v1; j++) inWeeksV[m.v[j]!] = stamp;
        for (let j = p0; j < p1; j++) inWeeksP[m.p[j]!] = stamp;
        marked = true;
      }
      if (u.vOff[i + 1]! > u.vOff[i]!) viewed = true;
      takeNew(u.v, u.vOff[i]!, u.vOff[i + 1]!, readMark, inWeeksV, stamp, newV);
      takeNew(u.p, u.pOff[i]!, u.pOff[i + 1]!, postMark, inWeeksP, stamp, newP);
      posts += u.posts[i]!;
      if (u.first[i]! < first) first = u.first[i]!;
      if (u.last[i]! > last) last = u.last[i]!;
    }
    if (!present) continue;
    let readers = inM ? memo.readers[topic]! : 0;
    let posters = inM ? memo.posters[topic]! : 0;
    let both = inM ? memo.both[topic]! : 0;
    for (const x of newV) {
      if (member[x] === 0) continue;
      readers++;
      // A new reader among the weeks' posters, or among the new posters (a day's poster not in the weeks).
      if (inWeeksP[x] === stamp || postMark[x] === stamp) both++;
    }
    for (const x of newP) {
      if (member[x] === 0) continue;
      posters++;
      if (inWeeksV[x] === stamp) both++;
    }
    out.set(topicIds[topic]!, { readers, posters, readersWhoPosted: both, viewed, posts, first: posts > 0 ? first : null, last: posts > 0 ? last : null });
  }
  return { topics: out, prompts };
}
