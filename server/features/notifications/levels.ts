// Watching levels, as in Discourse. Per topic and per community; muted always wins.
//   watching: every new post (and, for a community, every new topic and released prompt);
//   tracking: replies to me and mentions (for a community: also new topics and released prompts);
//   normal:   replies to me and mentions;
//   muted:    nothing at all.
export type WatchLevel = 'watching' | 'tracking' | 'normal' | 'muted';

/** A community I belong to tells me about new topics and prompts unless I lower it: CoPs live on their prompts. */
export const DEFAULT_COMMUNITY_LEVEL: WatchLevel = 'tracking';

/** My level for one topic: muted if either is muted; else what I chose for it; else watching under a watched community; else tracking where I took part. */
export function effectiveTopicLevel(input: {
  topicLevel: WatchLevel | null;
  communityLevel: WatchLevel | null;
  tookPart: boolean;
}): WatchLevel {
  const community = input.communityLevel ?? DEFAULT_COMMUNITY_LEVEL;
  // Muted at either level wins over anything else.
  if (community === 'muted' || input.topicLevel === 'muted') return 'muted';
  if (input.topicLevel) return input.topicLevel;
  if (community === 'watching') return 'watching';
  return input.tookPart ? 'tracking' : 'normal';
}
