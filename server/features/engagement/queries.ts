// Engagement analytics in SQL: a handful of set-based queries per report, no per-member round trips.
// Two rollups kept by triggers carry the community-wide reports: engagement_member_days ("who wrote how
// much on which day": a 3-month range at bench scale is ~50k rows instead of ~250k posts) and
// engagement_view_weeks ("who read in which week", a bitmask of days: ~120k rows instead of ~1.3M
// views). The per-topic report reads three more (migration 0009): topic-day act counts, and per topic-week
// bitmaps of readers and posters, one bit per participant, so a topic's distinct readers over a period's
// whole weeks are a bit count of OR-ed bitmaps (~24k rows instead of ~1.3M views at bench scale); the
// days of partial weeks at the edges, and time zones other than UTC, read posts and topic_views through
// the covering indexes posts_community_created_cover_idx and topic_views_community_day_cover_idx.
// Community-wide in UTC, the server answers the per-topic report from finished weeks and days kept in memory
// (topic-cache.ts), taking only titles, prompts and facilitators from SQL (topicHeads); topicRows is the same report
// in SQL alone (a facilitator's own topics, other time zones, a service without caches: the tests' reference).
// Definitions: shared/schemas/engagement.ts (ENGAGEMENT_DEFINITIONS).
// One file per report in queries/; the SQL pieces they share are in queries/fragments.ts.
export { dayStarts, type Period } from './queries/period.js';
export { periodCounts, medianFirstReply, weeklySeries, topContributors, type CountsRow, type WeeklyDbRow, type TopDbRow } from './queries/summary.js';
export { memberRows, memberWeeks, topicsViewed, type MemberDbRow, type MyWeekRow } from './queries/members.js';
export { topicRows, topicHeads, sortTopicRows, facilitatedTopicIds, type TopicDbRow } from './queries/topics.js';
export { trajectories, type TrajectoryDbRow, type TrajectoriesDb } from './queries/trajectories.js';
