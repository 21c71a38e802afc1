// Communities, invites and members: /api/communities/*, /api/invites/*.
import type { Static } from 'typebox';
import type { Community, CreateInviteBody, Invite, Member } from '../../shared/schemas/communities.js';
import type { Role } from '../../shared/limits.js';
import { request } from './http.js';

export type { Community, Member };
export type Invite = Static<typeof Invite>;
export type CreateInviteBody = Static<typeof CreateInviteBody>;

const id = (value: string) => encodeURIComponent(value);

export const communitiesApi = {
  list: (signal?: AbortSignal) => request<{ items: Community[] }>('GET', '/api/communities', undefined, signal),
  get: (communityId: string, signal?: AbortSignal) => request<Community>('GET', `/api/communities/${id(communityId)}`, undefined, signal),
  join: (communityId: string) => request<Community>('POST', `/api/communities/${id(communityId)}/join`),
  createInvite: (communityId: string, body: CreateInviteBody) =>
    request<Invite>('POST', `/api/communities/${id(communityId)}/invites`, body),
  acceptInvite: (token: string) => request<Community>('POST', `/api/invites/${id(token)}/accept`),
  listMembers: (communityId: string, signal?: AbortSignal) =>
    request<{ items: Member[] }>('GET', `/api/communities/${id(communityId)}/members`, undefined, signal),
  setMemberRoles: (communityId: string, userId: string, roles: Role[]) =>
    request<Member>('PATCH', `/api/communities/${id(communityId)}/members/${id(userId)}`, { roles }),
};
