// Engagement analytics (issue 6): /api/communities/:id/engagement[/topics|/members|/trajectories].
// JSON through request(); the CSV/JSON downloads are plain links built with downloadUrl().
import type {
  EngagementClass,
  EngagementSummary,
  MembersEngagement,
  TopicsEngagement,
  Trajectories,
} from '../../shared/schemas/engagement.js';
import { request } from './http.js';
import { toQueryString } from './topics.js';

export type { EngagementClass, EngagementSummary, MembersEngagement, TopicsEngagement, Trajectories };
export type EngagementReport = '' | '/topics' | '/members' | '/trajectories';

export interface EngagementRange {
  from: string;
  to: string;
  tz?: string | undefined;
}

const id = (value: string) => encodeURIComponent(value);
const path = (communityId: string, report: EngagementReport, params: Record<string, string | undefined>) =>
  `/api/communities/${id(communityId)}/engagement${report}${toQueryString(params)}`;

export const engagementApi = {
  summary: (communityId: string, range: EngagementRange, signal?: AbortSignal) =>
    request<EngagementSummary>('GET', path(communityId, '', { ...range }), undefined, signal),
  topics: (communityId: string, range: EngagementRange & { sort?: string; topicId?: string | undefined }, signal?: AbortSignal) =>
    request<TopicsEngagement>('GET', path(communityId, '/topics', { ...range }), undefined, signal),
  members: (
    communityId: string,
    range: EngagementRange & { class?: EngagementClass | undefined; topicId?: string | undefined; offset?: string },
    signal?: AbortSignal,
  ) =>
    request<MembersEngagement>('GET', path(communityId, '/members', { ...range }), undefined, signal),
  trajectories: (communityId: string, range: EngagementRange & { offset?: string; limit?: string }, signal?: AbortSignal) =>
    request<Trajectories>('GET', path(communityId, '/trajectories', { ...range }), undefined, signal),
  /** A download link for one table (the server sends Content-Disposition: attachment for CSV). */
  downloadUrl: (communityId: string, report: EngagementReport, format: 'csv' | 'json', params: Record<string, string | undefined>) =>
    path(communityId, report, { ...params, format }),
};
