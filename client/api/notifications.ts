// Notifications, watching levels and the mail preference: /api/notifications, …/watch, /api/me/preferences.
import type { NotificationPage, Preferences, TopicInvitations, Watch } from '../../shared/schemas/notifications.js';
import { request } from './http.js';

export type { Notification, NotificationPage, Preferences, TopicInvitations, Watch } from '../../shared/schemas/notifications.js';
export type WatchLevel = Watch['level'];

const id = encodeURIComponent;

export const notificationsApi = {
  list: (opts: { unread?: boolean; cursor?: string | null; limit?: number } = {}, signal?: AbortSignal) => {
    const q = new URLSearchParams();
    if (opts.unread) q.set('unread', 'true');
    if (opts.cursor) q.set('cursor', opts.cursor);
    if (opts.limit) q.set('limit', String(opts.limit));
    const s = q.toString();
    return request<NotificationPage>('GET', `/api/notifications${s ? `?${s}` : ''}`, undefined, signal);
  },
  markRead: (body: { ids: number[] } | { all: true }) => request<{ unreadCount: number }>('POST', '/api/notifications/read', body),
  topicWatch: (topicId: string, signal?: AbortSignal) => request<Watch>('GET', `/api/topics/${id(topicId)}/watch`, undefined, signal),
  setTopicWatch: (topicId: string, level: WatchLevel) => request<Watch>('PUT', `/api/topics/${id(topicId)}/watch`, { level }),
  communityWatch: (communityId: string, signal?: AbortSignal) => request<Watch>('GET', `/api/communities/${id(communityId)}/watch`, undefined, signal),
  setCommunityWatch: (communityId: string, level: WatchLevel) => request<Watch>('PUT', `/api/communities/${id(communityId)}/watch`, { level }),
  inviteReaders: (topicId: string, note: string) => request<{ invited: number }>('POST', `/api/topics/${id(topicId)}/invitations`, { readers: true, note }),
  invitations: (topicId: string, signal?: AbortSignal) => request<TopicInvitations>('GET', `/api/topics/${id(topicId)}/invitations`, undefined, signal),
  preferences: (signal?: AbortSignal) => request<Preferences>('GET', '/api/me/preferences', undefined, signal),
  setPreferences: (body: Preferences) => request<Preferences>('PUT', '/api/me/preferences', body),
};
