// Accounts and sessions: /api/auth/* and /api/me.
import type { Static } from 'typebox';
import type { Me, ProfileBody, RegisterBody, User } from '../../shared/schemas/auth.js';
import { request } from './http.js';

export type { Me, RegisterBody };
export type User = Static<typeof User>;
export type MembershipSummary = Me['memberships'][number];

export const authApi = {
  /** The signed-in user, or null when there is no session (the server answers 401). */
  async me(signal?: AbortSignal): Promise<Me | null> {
    try {
      return await request<Me>('GET', '/api/me', undefined, signal);
    } catch (error) {
      if ((error as { status?: number }).status === 401) return null;
      throw error;
    }
  },
  login: (body: { email: string; password: string }) => request<User>('POST', '/api/auth/login', body),
  register: (body: RegisterBody) => request<User>('POST', '/api/auth/register', body),
  logout: () => request<void>('POST', '/api/auth/logout'),
  logoutEverywhere: () => request<void>('POST', '/api/auth/logout-all'),
  updateProfile: (body: ProfileBody) => request<Me>('PATCH', '/api/me', body),
  changePassword: (body: { currentPassword: string; newPassword: string }) => request<void>('POST', '/api/me/password', body),
  changeEmail: (body: { email: string; currentPassword: string }) => request<void>('POST', '/api/me/email', body),
  requestPasswordReset: (email: string) => request<void>('POST', '/api/auth/password-reset', { email }),
  confirmPasswordReset: (body: { token: string; password: string }) => request<void>('POST', '/api/auth/password-reset/confirm', body),
  verifyEmail: (token: string) => request<{ email: string; emailVerified: boolean }>('POST', '/api/auth/verify', { token }),
};
