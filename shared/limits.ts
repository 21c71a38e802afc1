// Limits that the server enforces and the client's forms show: one source for both.
export const LIMITS = {
  passwordMin: 10,
  passwordMax: 200,
  emailMax: 254,
  displayNameMax: 80,
  /** A profile's bio and its "what I can help with" (plain text). */
  bioMax: 2_000,
  communityNameMax: 120,
  slugMax: 60,
  descriptionMax: 2000,
  titleMax: 200,
  postBodyMax: 20_000,
  articleMax: 50_000,
  promptsMax: 10,
  promptBodyMax: 5_000,
  urlMax: 2_000,
  /** Replies nest at most this deep; deeper replies attach to the deepest allowed ancestor. */
  replyDepthMax: 8,
  reasonMax: 1_000,
  /** Whole request body (JSON), bytes. */
  requestBodyBytes: 256 * 1024,
  pageSizeDefault: 50,
  pageSizeMax: 200,
} as const;

export const ROLES = ['facilitator', 'moderator', 'manager'] as const;
export type Role = (typeof ROLES)[number];
