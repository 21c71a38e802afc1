// Member profiles and member search: /api/users/:user, /api/communities/:id/members/search.
import type { MemberMatches, Profile } from '../../shared/schemas/people.js';
import { request } from './http.js';

export type { MemberMatches, Profile } from '../../shared/schemas/people.js';

const id = encodeURIComponent;

export const peopleApi = {
  profile: (user: string, signal?: AbortSignal) => request<Profile>('GET', `/api/users/${id(user)}`, undefined, signal),
  search: (communityId: string, q: string, signal?: AbortSignal) =>
    request<MemberMatches>('GET', `/api/communities/${id(communityId)}/members/search?q=${id(q)}`, undefined, signal),
};
